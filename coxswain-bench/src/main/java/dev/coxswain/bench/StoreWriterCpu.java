package dev.coxswain.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the store's group-commit writer threads ({@code <store>-writer-<n>}) in this JVM.
 * Every write transaction runs there, one batch at a time (on SQLite one thread), so their CPU
 * per unit of work bounds the throughput.
 */
final class StoreWriterCpu {
    private StoreWriterCpu() {
    }

    /** Nanoseconds of CPU the writer threads have used so far. */
    static long nanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t == null || !t.getThreadName().contains("-writer-")) continue;
            long n = threads.getThreadCpuTime(t.getThreadId());
            if (n > 0) sum += n;
        }
        return sum;
    }
}
