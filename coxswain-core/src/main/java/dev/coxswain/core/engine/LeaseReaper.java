package dev.coxswain.core.engine;

import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.runtime.Signal;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Running tasks whose worker stopped renewing the lease (killed, partitioned, gone) count as a
 * failed attempt: retried per their policy, or failed.
 */
public final class LeaseReaper implements Duty {
    private static final int BATCH = 100;

    private final Database db;
    private final TaskStore tasks;
    private final TaskTransitions transitions;
    private final Clock clock;
    private final Signal promote;
    private final Duration interval;

    public LeaseReaper(Database db, TaskStore tasks, TaskTransitions transitions, Clock clock, Signal promote,
                       Duration interval) {
        this.db = db;
        this.tasks = tasks;
        this.transitions = transitions;
        this.clock = clock;
        this.promote = promote;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "lease-reaper";
    }

    @Override
    public Duration runOnce() {
        Instant now = clock.instant();
        List<Task> expired = db.read(c -> tasks.expiredLeases(c, now, BATCH));
        for (Task stale : expired) {
            db.write(tx -> {
                Task t = tasks.findForUpdate(tx, stale.id());
                // Re-check under the lock: the worker may have renewed or finished meanwhile.
                if (t != null && t.status() == TaskStatus.RUNNING && t.attempt() == stale.attempt()
                        && t.leaseUntil() != null && t.leaseUntil().isBefore(now)) {
                    transitions.leaseExpired(tx, t, now);
                }
                return null;
            });
        }
        if (!expired.isEmpty()) promote.raise();
        return expired.size() == BATCH ? Duration.ZERO : interval;
    }
}
