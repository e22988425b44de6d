package dev.coxswain.core.remote;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.RemoteCancels;
import dev.coxswain.core.engine.TaskTransitions;
import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Enforces {@code timeout_seconds} on attempts that run on remote workers (the local worker's
 * own watcher kills its processes): an overdue attempt fails as timed out — retried per the
 * task's policy — and the worker is told to stop it (pushed at once where its socket is here,
 * else in its next heartbeat answer, since the attempt is no longer its own).
 */
public final class RemoteTimeouts implements Duty {
    private static final int BATCH = 100;

    private final Database db;
    private final TaskStore tasks;
    private final TaskTransitions transitions;
    private final RemoteCancels cancels;
    private final Clock clock;
    private final Runnable promote;
    private final Duration interval;

    public RemoteTimeouts(Database db, TaskStore tasks, TaskTransitions transitions, RemoteCancels cancels, Clock clock, Runnable promote, Duration interval) {
        this.db = db;
        this.tasks = tasks;
        this.transitions = transitions;
        this.cancels = cancels;
        this.clock = clock;
        this.promote = promote;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "remote-timeouts";
    }

    @Override
    public Duration runOnce() {
        Instant now = clock.instant();
        List<Task> overdue = db.read(c -> tasks.overdueRemote(c, now, BATCH));
        List<Task> stopped = new ArrayList<>();
        for (Task stale : overdue) {
            boolean failed = db.write(tx -> {
                Task t = tasks.findForUpdate(tx, stale.id());
                if (t == null || t.status() != TaskStatus.RUNNING || t.attempt() != stale.attempt()) return false;
                transitions.attemptFailed(tx, t, now, "Task timed out after " + t.timeoutSeconds() + " s on worker "
                        + t.workerId(), "TIMEOUT_ERROR");
                return true;
            });
            if (failed) stopped.add(stale);
        }
        for (Task t : stopped) cancels.cancel(t.workerId(), t.id(), t.attempt());
        if (!stopped.isEmpty()) promote.run();
        return overdue.size() == BATCH ? Duration.ZERO : interval;
    }
}
