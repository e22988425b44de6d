package dev.coxswain.server.scale;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** One device worker's own record of the script runs it made, kept apart from every other worker's. */
final class ScriptRuns {
    private final String workerId;
    private final ConcurrentLinkedQueue<ScriptRun> runs = new ConcurrentLinkedQueue<>();

    ScriptRuns(String workerId) {
        this.workerId = workerId;
    }

    String workerId() {
        return workerId;
    }

    void add(ScriptRun run) {
        runs.add(run);
    }

    int size() {
        return runs.size();
    }

    List<ScriptRun> snapshot() {
        return List.copyOf(runs);
    }
}
