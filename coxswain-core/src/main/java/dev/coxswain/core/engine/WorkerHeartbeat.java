package dev.coxswain.core.engine;

import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.EventStore;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.WorkerStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The local worker's heartbeat: refreshes its row (status, resources), renews the leases of its
 * running tasks, and stops local attempts whose task is no longer running for it in the store
 * (cancelled from another node, or reaped).
 */
public final class WorkerHeartbeat implements Duty {
    private final Database db;
    private final WorkerStore workers;
    private final TaskStore tasks;
    private final EventStore events;
    private final LocalWorker worker;
    private final WorkerStore.Heartbeat identity;
    private final SystemResources resources;
    private final Clock clock;
    private final Duration lease;
    private final Duration interval;

    public WorkerHeartbeat(Database db, WorkerStore workers, TaskStore tasks, EventStore events, LocalWorker worker,
                           WorkerStore.Heartbeat identity, SystemResources resources, Clock clock, Duration lease,
                           Duration interval) {
        this.db = db;
        this.workers = workers;
        this.tasks = tasks;
        this.events = events;
        this.worker = worker;
        this.identity = identity;
        this.resources = resources;
        this.clock = clock;
        this.lease = lease;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "worker-heartbeat";
    }

    @Override
    public Duration runOnce() {
        Instant now = clock.instant();
        var hb = new WorkerStore.Heartbeat(identity.id(), identity.hostname(), identity.kind(), identity.capacity(),
                identity.version(), identity.tags(), resources.sample(), identity.ttl());
        // Snapshot local attempts before touching the store: each was committed as running before
        // it was started here, so one missing from the store afterwards really was taken away
        // (an attempt claimed after this point must not be mistaken for a cancelled one).
        List<Execution> local = List.copyOf(worker.running());
        List<Long> localIds = local.stream().map(ex -> ex.task().id()).toList();
        db.write(tx -> {
            if (workers.heartbeat(tx, hb, now)) {
                events.append(tx, List.of(new EventStore.Event(now.toEpochMilli(), "worker.registered", null, hb.id(),
                        "{\"hostname\":" + dev.coxswain.core.Json.write(hb.hostname()) + "}")));
            }
            tasks.renewLeases(tx, hb.id(), localIds, now.plus(lease));
            return null;
        });
        if (local.isEmpty()) return interval;
        Set<Long> stillRunning = new HashSet<>(db.read(c -> tasks.runningIds(c, worker.id())));
        List<Execution> takenAway = local.stream().filter(ex -> !stillRunning.contains(ex.task().id())).toList();
        if (takenAway.isEmpty()) return interval;
        // Cancelled (on another node, its message missed) or deleted: a cancel. Otherwise the lease
        // was lost and the task retried: the attempt is superseded, and must not be logged as cancelled.
        List<Long> ids = takenAway.stream().map(ex -> ex.task().id()).toList();
        Map<Long, TaskStatus> statusNow = db.read(c -> tasks.statuses(c, ids, false));
        for (Execution ex : takenAway) {
            TaskStatus st = statusNow.get(ex.task().id());
            ex.control().stop(st == null || st == TaskStatus.CANCELLED ? StopReason.CANCELLED : StopReason.SUPERSEDED);
        }
        return interval;
    }
}
