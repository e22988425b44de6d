package dev.coxswain.server.scale;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The script runs of every device in start order, read from the workers' records: whether two
 * runs of one device ever overlapped, and the gaps between a run's end and the next run's start.
 */
final class DeviceTimeline {
    /** Two runs of one device that were running at the same instant. */
    record Overlap(ScriptRun earlier, ScriptRun later) {
        @Override
        public String toString() {
            return earlier.serial() + ": task " + later.taskId() + "." + later.attempt() + " started "
                    + (earlier.endNanos() - later.startNanos()) / 1_000 + " µs before task " + earlier.taskId() + "."
                    + earlier.attempt() + " ended";
        }
    }

    private final Map<String, List<ScriptRun>> bySerial;

    private DeviceTimeline(Map<String, List<ScriptRun>> bySerial) {
        this.bySerial = bySerial;
    }

    static DeviceTimeline of(Collection<ScriptRun> runs) {
        Map<String, List<ScriptRun>> m = new TreeMap<>();
        for (ScriptRun r : runs) m.computeIfAbsent(r.serial(), k -> new ArrayList<>()).add(r);
        for (List<ScriptRun> l : m.values()) l.sort(Comparator.comparingLong(ScriptRun::startNanos));
        return new DeviceTimeline(m);
    }

    int devices() {
        return bySerial.size();
    }

    /**
     * Every pair of runs of one device whose intervals intersect. Sorted by start, a device is
     * never doubly busy exactly when each run starts after the latest end before it.
     */
    List<Overlap> overlaps() {
        List<Overlap> out = new ArrayList<>();
        for (List<ScriptRun> runs : bySerial.values()) {
            ScriptRun latest = null;
            for (ScriptRun r : runs) {
                if (latest != null && r.startNanos() < latest.endNanos()) out.add(new Overlap(latest, r));
                if (latest == null || r.endNanos() > latest.endNanos()) latest = r;
            }
        }
        return out;
    }

    /**
     * Runs that started after a run of a newer task of the same device: a device's queue is
     * served in claim order, and with one priority that is the order of the task ids.
     */
    List<String> outOfOrder() {
        List<String> out = new ArrayList<>();
        for (List<ScriptRun> runs : bySerial.values()) {
            for (int i = 1; i < runs.size(); i++) {
                if (runs.get(i).taskId() < runs.get(i - 1).taskId()) {
                    out.add(runs.get(i).serial() + ": task " + runs.get(i).taskId() + " after task " + runs.get(i - 1).taskId());
                }
            }
        }
        return out;
    }

    /** For every device, each run's start minus the previous run's end, in nanoseconds. */
    long[] gapsNanos() {
        List<Long> gaps = new ArrayList<>();
        for (List<ScriptRun> runs : bySerial.values()) {
            for (int i = 1; i < runs.size(); i++) gaps.add(runs.get(i).startNanos() - runs.get(i - 1).endNanos());
        }
        return gaps.stream().mapToLong(Long::longValue).sorted().toArray();
    }
}
