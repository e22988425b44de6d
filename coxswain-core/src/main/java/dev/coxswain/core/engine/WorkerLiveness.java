package dev.coxswain.core.engine;

import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.EventStore;
import dev.coxswain.core.store.WorkerStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Marks workers past their expiry offline, once, with a worker.offline event. A remote worker's
 * running attempts are lost with it: they fail in the same transaction and are retried per their
 * policy (on another worker). A local worker's are left to their leases and the node locks: a
 * node's own heartbeat delayed past the TTL must not fail what it is still running.
 */
public final class WorkerLiveness implements Duty {
    private final Database db;
    private final WorkerStore workers;
    private final EventStore events;
    private final Clock clock;
    private final Duration interval;

    private final dev.coxswain.core.store.TaskStore tasks;
    private final TaskTransitions transitions;
    private final Runnable promote;

    public WorkerLiveness(Database db, WorkerStore workers, EventStore events, Clock clock, Duration ttl, Duration interval) {
        this(db, workers, events, null, null, () -> { }, clock, interval);
    }

    /** @param promote after remote attempts were failed (their retries wait in pending) */
    public WorkerLiveness(Database db, WorkerStore workers, EventStore events, dev.coxswain.core.store.TaskStore tasks,
                          TaskTransitions transitions, Runnable promote, Clock clock, Duration interval) {
        this.tasks = tasks;
        this.transitions = transitions;
        this.promote = promote;
        this.db = db;
        this.workers = workers;
        this.events = events;
        this.clock = clock;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "worker-liveness";
    }

    @Override
    public Duration runOnce() {
        Instant now = clock.instant();
        int lost = db.write(tx -> {
            List<EventStore.Event> ev = new ArrayList<>();
            List<String> off = workers.markOffline(tx, now);
            for (String id : off) {
                ev.add(new EventStore.Event(now.toEpochMilli(), "worker.offline", null, id, null));
            }
            events.append(tx, ev);
            int n = 0;
            if (tasks != null && !off.isEmpty()) {
                for (String id : workers.remoteAmong(tx.connection(), off)) {
                    for (dev.coxswain.core.domain.Task t : tasks.runningOn(tx.connection(), id)) {
                        transitions.attemptLost(tx, t, now, "worker " + id + " went offline (no heartbeat within its TTL)");
                        n++;
                    }
                }
            }
            return n;
        });
        if (lost > 0) promote.run();
        return interval;
    }
}
