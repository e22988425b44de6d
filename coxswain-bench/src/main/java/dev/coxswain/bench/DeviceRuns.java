package dev.coxswain.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One device worker's own record of the script runs it made (serial, task, start and end on
 * {@link System#nanoTime()}: the workers share the benchmark's JVM and clock), and what the
 * records of every worker together say per device.
 */
final class DeviceRuns {
    /** One script run as the worker that ran it saw it. */
    record Run(String serial, long taskId, int attempt, long startNanos, long endNanos) {
    }

    private final ConcurrentLinkedQueue<Run> runs = new ConcurrentLinkedQueue<>();

    void add(Run r) {
        runs.add(r);
    }

    int size() {
        return runs.size();
    }

    List<Run> snapshot() {
        return List.copyOf(runs);
    }

    /** What the runs of every device, in start order, show. */
    record Timeline(int devices, int overlaps, int maxRunningOnOneDevice, int outOfOrder, long[] gapsNanos) {
        static Timeline of(Collection<Run> all) {
            Map<String, List<Run>> bySerial = new TreeMap<>();
            for (Run r : all) bySerial.computeIfAbsent(r.serial(), k -> new ArrayList<>()).add(r);
            int overlaps = 0;
            int maxRunning = 0;
            int outOfOrder = 0;
            List<Long> gaps = new ArrayList<>();
            for (List<Run> runs : bySerial.values()) {
                runs.sort(Comparator.comparingLong(Run::startNanos));
                // Sorted by start, a run overlaps when it starts before the latest end so far.
                long latestEnd = Long.MIN_VALUE;
                for (int i = 0; i < runs.size(); i++) {
                    Run r = runs.get(i);
                    if (i > 0) {
                        if (r.startNanos() < latestEnd) overlaps++;
                        // A device's queue is first come, first served: with one priority, in id order.
                        if (r.taskId() < runs.get(i - 1).taskId()) outOfOrder++;
                        gaps.add(r.startNanos() - runs.get(i - 1).endNanos());
                    }
                    latestEnd = Math.max(latestEnd, r.endNanos());
                }
                maxRunning = Math.max(maxRunning, maxAtOnce(runs));
            }
            return new Timeline(bySerial.size(), overlaps, maxRunning, outOfOrder,
                    gaps.stream().mapToLong(Long::longValue).sorted().toArray());
        }

        /** Most runs of one device at the same instant (a sweep over starts and ends; an end before a start at a tie). */
        private static int maxAtOnce(List<Run> runs) {
            long[][] events = new long[runs.size() * 2][];
            int i = 0;
            for (Run r : runs) {
                events[i++] = new long[] {r.startNanos(), 1};
                events[i++] = new long[] {r.endNanos(), -1};
            }
            java.util.Arrays.sort(events, Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
            int now = 0;
            int max = 0;
            for (long[] e : events) {
                now += (int) e[1];
                max = Math.max(max, now);
            }
            return max;
        }

        /** The q-quantile of the gaps, in milliseconds (NaN without gaps). */
        double gapMillis(double q) {
            if (gapsNanos.length == 0) return Double.NaN;
            int idx = (int) Math.min(gapsNanos.length - 1, Math.ceil(q * gapsNanos.length) - 1);
            return gapsNanos[Math.max(0, idx)] / 1e6;
        }
    }
}
