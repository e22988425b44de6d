package dev.coxswain.core.engine;

import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Claims queued tasks for the local worker, as many as it has free slots, in one statement, and
 * starts them. Woken when a task is queued or a slot frees; polls only as a slow fallback (for
 * work queued by another node).
 */
public final class Dispatcher implements Duty {
    private final Database db;
    private final TaskTransitions transitions;
    private final LocalWorker worker;
    private final Clock clock;
    private final Duration lease;
    private final int maxBatch;
    private final Duration fallbackPoll;
    private volatile boolean paused;

    public Dispatcher(Database db, TaskTransitions transitions, LocalWorker worker, Clock clock,
                      Duration lease, int maxBatch, Duration fallbackPoll) {
        this.db = db;
        this.transitions = transitions;
        this.worker = worker;
        this.clock = clock;
        this.lease = lease;
        this.maxBatch = maxBatch;
        this.fallbackPoll = fallbackPoll;
    }

    @Override
    public String name() {
        return "dispatcher";
    }

    /** Stops claiming (graceful shutdown); running attempts are not touched. */
    public void pause() {
        paused = true;
    }

    @Override
    public Duration runOnce() {
        if (paused || worker.types().isEmpty()) return fallbackPoll;
        int want = Math.min(worker.freeSlots(), maxBatch);
        if (want == 0) return fallbackPoll; // a finishing attempt raises the signal
        Instant now = clock.instant();
        List<Task> claimed = db.write(tx -> {
            return transitions.claimAndStart(tx, worker.id(), worker.types(), want, now, now.plus(lease));
        });
        for (Task t : claimed) worker.start(t);
        return claimed.size() == want ? Duration.ZERO : fallbackPoll;
    }
}
