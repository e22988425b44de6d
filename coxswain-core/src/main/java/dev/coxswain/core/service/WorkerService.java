package dev.coxswain.core.service;

import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskQuery;
import dev.coxswain.core.domain.Worker;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.WorkerStore;
import java.time.Clock;
import java.time.Instant;

/** Reads of workers; their status is derived from heartbeat age and running tasks. */
public final class WorkerService {
    private final Database db;
    private final WorkerStore workers;
    private final TaskStore tasks;
    private final Clock clock;

    private final java.util.Set<String> localTypes;

    /** @param localTypes the task types this node's local worker runs (none when it runs nothing) */
    public WorkerService(Database db, WorkerStore workers, TaskStore tasks, Clock clock, java.util.Set<String> localTypes) {
        this.localTypes = java.util.Set.copyOf(localTypes);
        this.db = db;
        this.workers = workers;
        this.tasks = tasks;
        this.clock = clock;
    }

    private Instant offlineBefore() {
        return clock.instant(); // each worker row carries its own expiry
    }

    /**
     * The skills some live worker serves now: the local worker's types (when it runs anything)
     * and every skill a live remote worker advertised. A queued task of any other type waits for
     * a worker ({@code waiting_for_worker}).
     */
    public java.util.Set<String> servedSkills() {
        java.util.Set<String> out = new java.util.HashSet<>(db.read(c -> workers.liveRemoteSkills(c, clock.instant())));
        out.addAll(localTypes);
        return out;
    }

    public Page<Worker> list(WorkerStatus status, int offset, int limit) {
        return db.read(c -> workers.list(c, status, offlineBefore(), offset, limit));
    }

    public Worker get(String id) {
        Worker w = db.read(c -> workers.find(c, id, offlineBefore()));
        if (w == null) throw new NotFoundException("worker " + id + " not found");
        return w;
    }

    /**
     * The worker's newest tasks, newest first, at most {@code limit} and with no total (its page
     * shows a few; counting a busy worker's million would not be cheap).
     */
    public java.util.List<Task> recentTasks(String id, int limit) {
        return db.read(c -> {
            if (workers.find(c, id, offlineBefore()) == null) throw new NotFoundException("worker " + id + " not found");
            return tasks.recentOfWorker(c, id, limit);
        });
    }

    /** Tasks a worker runs or ran (the latest attempt's worker). */
    public Page<Task> tasks(String id, TaskQuery q) {
        return db.read(c -> {
            if (workers.find(c, id, offlineBefore()) == null) throw new NotFoundException("worker " + id + " not found");
            return tasks.list(c, q);
        });
    }
}
