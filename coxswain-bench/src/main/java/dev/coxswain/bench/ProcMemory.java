package dev.coxswain.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's memory as Linux accounts it, from {@code /proc/<pid>/status}: the resident set
 * ({@code VmRSS}, what the process holds in RAM now), its peak ({@code VmHWM}, kept by the kernel
 * since the process started) and the thread count. Values in bytes.
 */
record ProcMemory(long rss, long hwm, int threads) {

    static ProcMemory of(long pid) throws IOException {
        long rss = -1;
        long hwm = -1;
        int threads = -1;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) rss = kib(line);
            else if (line.startsWith("VmHWM:")) hwm = kib(line);
            else if (line.startsWith("Threads:")) threads = Integer.parseInt(line.substring(8).trim());
        }
        if (rss < 0 || hwm < 0) throw new IOException("no VmRSS/VmHWM in /proc/" + pid + "/status");
        return new ProcMemory(rss, hwm, threads);
    }

    /** {@code "VmRSS:   123456 kB"} → bytes. */
    private static long kib(String line) {
        String v = line.substring(line.indexOf(':') + 1).trim();
        return Long.parseLong(v.substring(0, v.indexOf(' '))) * 1024;
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024));
    }
}
