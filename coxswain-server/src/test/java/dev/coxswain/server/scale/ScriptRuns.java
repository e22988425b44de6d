package dev.coxswain.server.scale;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** One device worker's own record of the script runs it made, kept apart from every other worker's. */
final class ScriptRuns {
    private final ConcurrentLinkedQueue<ScriptRun> runs = new ConcurrentLinkedQueue<>();

    void add(ScriptRun run) {
        runs.add(run);
    }

    List<ScriptRun> snapshot() {
        return List.copyOf(runs);
    }
}
