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

/** Marks workers whose heartbeat is older than the TTL offline, once, with a worker.offline event. */
public final class WorkerLiveness implements Duty {
    private final Database db;
    private final WorkerStore workers;
    private final EventStore events;
    private final Clock clock;
    private final Duration ttl;
    private final Duration interval;

    public WorkerLiveness(Database db, WorkerStore workers, EventStore events, Clock clock, Duration ttl, Duration interval) {
        this.db = db;
        this.workers = workers;
        this.events = events;
        this.clock = clock;
        this.ttl = ttl;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "worker-liveness";
    }

    @Override
    public Duration runOnce() {
        Instant now = clock.instant();
        db.write(tx -> {
            List<EventStore.Event> ev = new ArrayList<>();
            for (String id : workers.markOffline(tx, now.minus(ttl))) {
                ev.add(new EventStore.Event(now.toEpochMilli(), "worker.offline", null, id, null));
            }
            events.append(tx, ev);
            return null;
        });
        return interval;
    }
}
