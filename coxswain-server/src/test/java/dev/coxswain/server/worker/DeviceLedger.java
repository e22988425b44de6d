package dev.coxswain.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * What the device workers of a test record themselves, one entry per script run: which worker
 * ran which wire task on which device, from when to when (the worker's own monotonic clock) and
 * how it ended. The one-task-per-device checks read these records, not the server's view.
 */
final class DeviceLedger {
    /** One script run; {@code end} is -1 while it runs. */
    record Run(String worker, String serial, String taskId, long start, long end, String outcome) {
        /** The native task id ({@code task-7} of wire id {@code task-7.2}). */
        String task() {
            return taskId.substring(0, taskId.lastIndexOf('.'));
        }

        int attempt() {
            return Integer.parseInt(taskId.substring(taskId.lastIndexOf('.') + 1));
        }

        boolean overlaps(Run o) {
            long myEnd = end < 0 ? Long.MAX_VALUE : end;
            long theirEnd = o.end < 0 ? Long.MAX_VALUE : o.end;
            return start < theirEnd && o.start < myEnd;
        }
    }

    /** A run in progress; {@link #end} records it. */
    final class Span {
        private final Run started;

        private Span(Run started) {
            this.started = started;
        }

        void end(String outcome) {
            long now = System.nanoTime();
            runs.replaceAll(r -> r == started ? new Run(r.worker(), r.serial(), r.taskId(), r.start(), now, outcome) : r);
        }
    }

    private final List<Run> runs = new CopyOnWriteArrayList<>();

    Span start(String worker, String serial, String taskId) {
        Run r = new Run(worker, serial, taskId, System.nanoTime(), -1, null);
        runs.add(r);
        return new Span(r);
    }

    List<Run> runs() {
        return new ArrayList<>(runs);
    }

    List<Run> of(String task) {
        return runs().stream().filter(r -> r.task().equals(task)).toList();
    }

    /** Whether the run of this wire task id has started (and, if {@code ended}, ended). */
    boolean has(String taskId, boolean ended) {
        return runs.stream().anyMatch(r -> r.taskId().equals(taskId) && (!ended || r.end() >= 0));
    }

    /** Runs by device, each device's in start order. */
    Map<String, List<Run>> bySerial() {
        return runs().stream().sorted(Comparator.comparingLong(Run::start))
                .collect(Collectors.groupingBy(Run::serial, java.util.TreeMap::new, Collectors.toList()));
    }

    /** No two runs on one device overlap in time, as the workers recorded them. */
    void assertOneAtATimePerDevice() {
        bySerial().forEach((serial, list) -> {
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    assertThat(list.get(i).overlaps(list.get(j)))
                            .as("runs on %s overlap: %s and %s", serial, list.get(i), list.get(j)).isFalse();
                }
            }
        });
    }
}
