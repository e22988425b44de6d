package dev.coxswain.core.engine;

import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Moves pending tasks whose time has come (scheduled_at reached, retry backoff over) to queued.
 * It sleeps exactly until the earliest such time — an in-memory timer — and is woken early when a
 * task with an earlier time is written.
 */
public final class Promoter implements Duty {
    private final Database db;
    private final TaskStore tasks;
    private final Clock clock;
    private final Runnable queued;
    private final Duration fallbackPoll;

    /** @param queued what to do once tasks became queued (wake the dispatcher, tell the other nodes) */
    public Promoter(Database db, TaskStore tasks, Clock clock, Runnable queued, Duration fallbackPoll) {
        this.db = db;
        this.tasks = tasks;
        this.clock = clock;
        this.queued = queued;
        this.fallbackPoll = fallbackPoll;
    }

    @Override
    public String name() {
        return "promoter";
    }

    @Override
    public Duration runOnce() {
        Instant now = clock.instant();
        Instant next = db.read(tasks::nextDue);
        if (next != null && !next.isAfter(now)) {
            int moved = db.write(tx -> tasks.promoteDue(tx, now));
            if (moved > 0) queued.run();
            next = db.read(tasks::nextDue);
        }
        if (next == null) return fallbackPoll;
        Duration wait = Duration.between(clock.instant(), next);
        return wait.isNegative() ? Duration.ZERO : wait;
    }
}
