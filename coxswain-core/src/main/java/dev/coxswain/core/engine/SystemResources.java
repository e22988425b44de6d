package dev.coxswain.core.engine;

import dev.coxswain.core.domain.Worker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Samples CPU, memory and disk use of this machine as fractions between 0 and 1. */
public final class SystemResources {
    private final Path disk;

    /** @param disk a path on the file system whose usage is reported (the data directory) */
    public SystemResources(Path disk) {
        this.disk = disk;
    }

    public Worker.Resources sample() {
        return new Worker.Resources(cpu(), memory(), disk());
    }

    private static Double cpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getCpuLoad();
            return load < 0 ? null : round(load);
        }
        return null;
    }

    /** Uses MemAvailable where Linux offers it: free memory alone counts the page cache as used. */
    private static Double memory() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
            long total = -1, available = -1;
            for (String l : lines) {
                if (l.startsWith("MemTotal:")) total = kb(l);
                else if (l.startsWith("MemAvailable:")) available = kb(l);
            }
            if (total > 0 && available >= 0) return round(1.0 - (double) available / total);
        } catch (IOException | RuntimeException ignored) {
            // not Linux: fall through to the JVM's view
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            return total <= 0 ? null : round(1.0 - (double) os.getFreeMemorySize() / total);
        }
        return null;
    }

    private Double disk() {
        try {
            var store = Files.getFileStore(disk);
            long total = store.getTotalSpace();
            return total <= 0 ? null : round(1.0 - (double) store.getUsableSpace() / total);
        } catch (IOException e) {
            return null;
        }
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    private static double round(double v) {
        return Math.round(Math.max(0, Math.min(1, v)) * 1000) / 1000.0;
    }
}
