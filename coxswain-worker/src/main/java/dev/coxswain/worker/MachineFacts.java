package dev.coxswain.worker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What the worker tells about the machine it runs on: host name and address for the
 * registration's {@code capabilities}, CPU and memory for its {@code resources}, and the load for
 * each heartbeat's {@code usage}. Read through the JDK's management beans, so nothing is spawned.
 */
class MachineFacts {
    private static final double GIB = 1024.0 * 1024 * 1024;

    String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    String ipAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "0.0.0.0";
        }
    }

    int cpuCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Physical memory in GiB (two decimals), or 0 when the JVM does not say. */
    double ramGb() {
        if (os() instanceof com.sun.management.OperatingSystemMXBean bean) {
            return round(bean.getTotalMemorySize() / GIB, 100);
        }
        return 0;
    }

    /** The heartbeat's {@code usage}: {@code {"cpu_load_percent", "ram_used_gb"}}. */
    ObjectNode usage() {
        ObjectNode usage = JsonNodeFactory.instance.objectNode();
        double cpu = 0;
        double ramUsed = 0;
        if (os() instanceof com.sun.management.OperatingSystemMXBean bean) {
            double load = bean.getCpuLoad();
            cpu = load >= 0 ? round(load * 100, 10) : 0;
            ramUsed = round((bean.getTotalMemorySize() - bean.getFreeMemorySize()) / GIB, 100);
        }
        usage.put("cpu_load_percent", cpu);
        usage.put("ram_used_gb", ramUsed);
        return usage;
    }

    private static OperatingSystemMXBean os() {
        return ManagementFactory.getOperatingSystemMXBean();
    }

    private static double round(double value, int scale) {
        return Math.round(value * scale) / (double) scale;
    }
}
