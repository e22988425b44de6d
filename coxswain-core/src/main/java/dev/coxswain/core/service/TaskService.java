package dev.coxswain.core.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskPatch;
import dev.coxswain.core.domain.TaskQuery;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.LocalWorker;
import dev.coxswain.core.runtime.Signal;
import dev.coxswain.core.engine.TaskTransitions;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.core.store.ClusterBus;
import dev.coxswain.core.store.InTx;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.LogStore;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import static dev.coxswain.core.engine.TaskTransitions.ref;

/**
 * Task operations every API face uses. Each write is one transaction that re-reads the task under
 * a row lock, checks the state rule, changes it, and records the event; wake-ups and kills of
 * local processes happen only after the commit.
 */
public final class TaskService {
    private final Database db;
    private final TaskStore tasks;
    private final LogStore logs;
    private final TaskTransitions transitions;
    private final LocalWorker worker;
    private final Runnable queued;
    private final Signal promote;
    private final ClusterBus bus;
    private final Clock clock;
    private final dev.coxswain.core.engine.RemoteCancels remote;

    /**
     * @param queued  what to do once tasks became queued (wake the dispatcher, tell the other nodes)
     * @param promote wakes the promoter, whose timer may need an earlier time
     * @param bus     reaches attempts running on other nodes
     */
    public TaskService(Database db, TaskStore tasks, LogStore logs, TaskTransitions transitions, LocalWorker worker,
                       Runnable queued, Signal promote, ClusterBus bus, Clock clock) {
        this(db, tasks, logs, transitions, worker, queued, promote, bus, clock, dev.coxswain.core.engine.RemoteCancels.NONE);
    }

    /** @param remote tells a remote worker connected to this node that its attempt was cancelled */
    public TaskService(Database db, TaskStore tasks, LogStore logs, TaskTransitions transitions, LocalWorker worker,
                       Runnable queued, Signal promote, ClusterBus bus, Clock clock,
                       dev.coxswain.core.engine.RemoteCancels remote) {
        this.remote = remote;
        this.db = db;
        this.tasks = tasks;
        this.logs = logs;
        this.transitions = transitions;
        this.worker = worker;
        this.queued = queued;
        this.promote = promote;
        this.bus = bus;
        this.clock = clock;
    }

    /**
     * Stops a cancelled attempt here, or tells the remote worker that runs it (over its socket on
     * this node; its heartbeat answer is the fallback), or asks the node that runs it.
     */
    private void stopAttempt(Task t) {
        if (worker.stop(t.id(), t.attempt(), StopReason.CANCELLED)) return;
        remote.cancel(t.workerId(), t.id(), t.attempt());
        bus.stop(t.id(), t.attempt());
    }

    public Task create(NewTask t) {
        return create(t, InTx.none());
    }

    /** As {@link #create(NewTask)}, running {@code then} in the creating transaction. */
    public Task create(NewTask t, InTx<? super Task> then) {
        validate(t);
        return db.write(tx -> {
            Task made = insertNew(tx, t, clock.instant());
            then.accept(tx, made);
            return made;
        });
    }

    /**
     * Creates a task inside the caller's transaction, so it commits (or not) with the caller's
     * other changes: a schedule advances its next slot and creates the slot's run atomically.
     */
    public Task createIn(Tx tx, NewTask t, Instant now) throws SQLException {
        return createIn(tx, t, now, null);
    }

    /** As {@link #createIn(Tx, NewTask, Instant)}, recording the schedule slot the task is the run of. */
    public Task createIn(Tx tx, NewTask t, Instant now, Instant slotAt) throws SQLException {
        validate(t);
        return insertNew(tx, t, now, slotAt);
    }

    /**
     * Creates many tasks inside the caller's transaction with batched inserts (the runs of one
     * schedule firing pass), each recording the schedule slot it is the run of.
     *
     * @param slots for each task, its slot, or null
     * @return the new ids, in the order of {@code batch}
     */
    public long[] createAllIn(Tx tx, List<NewTask> batch, List<Instant> slots, Instant at) throws SQLException {
        if (slots.size() != batch.size()) throw new IllegalArgumentException("one slot (or null) per task");
        for (NewTask t : batch) validate(t);
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        List<TaskStore.NewRow> rows = new ArrayList<>(batch.size());
        boolean anyQueued = false, anyPending = false;
        for (int i = 0; i < batch.size(); i++) {
            NewTask t = batch.get(i);
            int open = openDependencies(tx, t.dependencies(), null);
            Instant runAt = t.scheduledAt() == null ? now : t.scheduledAt().truncatedTo(ChronoUnit.MILLIS);
            TaskStatus status = open == 0 && !runAt.isAfter(now) ? TaskStatus.QUEUED : TaskStatus.PENDING;
            anyQueued |= status == TaskStatus.QUEUED;
            anyPending |= status == TaskStatus.PENDING;
            rows.add(new TaskStore.NewRow(t, status, runAt, open, slots.get(i)));
        }
        long[] ids = transitions.insertAllCreated(tx, rows, now);
        if (anyQueued) tx.afterCommit(queued::run);
        if (anyPending) tx.afterCommit(promote::raise);
        return ids;
    }

    private Task insertNew(Tx tx, NewTask t, Instant at) throws SQLException {
        return insertNew(tx, t, at, null);
    }

    private Task insertNew(Tx tx, NewTask t, Instant at, Instant slotAt) throws SQLException {
        // The store keeps milliseconds; so does the task handed back, which is built from what
        // was inserted instead of read back (one statement less on the hottest write).
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        int open = openDependencies(tx, t.dependencies(), null);
        Instant runAt = t.scheduledAt() == null ? now : t.scheduledAt().truncatedTo(ChronoUnit.MILLIS);
        TaskStatus status = open == 0 && !runAt.isAfter(now) ? TaskStatus.QUEUED : TaskStatus.PENDING;
        long id = transitions.insertCreated(tx, t, status, runAt, open, now, slotAt);
        tx.afterCommit(status == TaskStatus.QUEUED ? queued::run : promote::raise);
        return new Task(id, t.type(), t.name(), t.description(), t.payload(), status, t.priority(), runAt,
                t.scheduledAt() == null ? null : runAt, now, now, null, null, 0, t.maxRetries(), t.backoff(), 0,
                t.timeoutSeconds(), List.copyOf(t.tags()), t.dependencies().stream().distinct().sorted().toList(), null,
                null, null, null, null, t.checkpointEnabled(), null, 1, t.originKind(), t.originId());
    }

    /** Cancels an unfinished task inside the caller's transaction; a local process is killed after the commit. */
    public void cancelIn(Tx tx, Task t, Instant now) throws SQLException {
        if (t.status().terminal()) return;
        transitions.cancel(tx, t, now);
        if (t.status() == TaskStatus.RUNNING) tx.afterCommit(() -> stopAttempt(t));
    }

    /** The task, read inside the caller's transaction with a row lock (null when absent). */
    public Task lockIn(Tx tx, long id) throws SQLException {
        return tasks.findForUpdate(tx, id);
    }

    /** Creates many tasks in one transaction (no dependencies among them); used by bulk producers. */
    public List<Long> createAll(List<NewTask> batch) {
        for (NewTask t : batch) validate(t);
        return db.write(tx -> {
            Instant now = clock.instant();
            List<TaskStore.NewRow> rows = new ArrayList<>(batch.size());
            boolean anyQueued = false;
            for (NewTask t : batch) {
                int open = openDependencies(tx, t.dependencies(), null);
                Instant runAt = t.scheduledAt() == null ? now : t.scheduledAt();
                TaskStatus status = open == 0 && !runAt.isAfter(now) ? TaskStatus.QUEUED : TaskStatus.PENDING;
                rows.add(new TaskStore.NewRow(t, status, runAt, open, null));
                anyQueued |= status == TaskStatus.QUEUED;
            }
            List<Long> ids = java.util.Arrays.stream(transitions.insertAllCreated(tx, rows, now)).boxed().toList();
            tx.afterCommit(anyQueued ? queued::run : promote::raise);
            return ids;
        });
    }

    public Task get(long id) {
        Task t = db.read(c -> tasks.find(c, id));
        if (t == null) throw notFound(id);
        return t;
    }

    public Page<Task> list(TaskQuery q) {
        return db.read(c -> tasks.list(c, q));
    }

    public Page<TaskLog> logs(long id, LogLevel level, int offset, int limit) {
        return db.read(c -> {
            if (tasks.find(c, id) == null) throw notFound(id);
            return logs.list(c, id, level, offset, limit);
        });
    }

    public Task update(long id, TaskPatch p) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (p.name() != null && p.name().isBlank()) errors.put("name", "must not be empty");
        if (p.priority() != null) checkPriority(p.priority(), errors);
        if (p.maxRetries() != null && p.maxRetries() < 0) errors.put("max_retries", "must be 0 or more");
        if (p.timeoutSeconds() != null && p.timeoutSeconds() < 1) errors.put("timeout_seconds", "must be at least 1");
        checkScheduledAt(p.scheduledAt(), errors);
        if (!errors.isEmpty()) throw new ValidationException(errors);
        return db.write(tx -> {
            Task t = lockExisting(tx, id);
            if (t.status() != TaskStatus.PENDING && t.status() != TaskStatus.QUEUED) {
                throw new ConflictException(ref(id) + " is " + t.status().wire()
                        + "; only pending or queued tasks can be updated");
            }
            Instant now = clock.instant();
            Map<String, Object> sets = new LinkedHashMap<>();
            if (p.name() != null) sets.put("name", p.name());
            if (p.description() != null) sets.put("description", p.description());
            if (p.priority() != null) sets.put("priority", p.priority());
            if (p.maxRetries() != null) sets.put("max_retries", p.maxRetries());
            if (p.timeoutSeconds() != null) sets.put("timeout_seconds", p.timeoutSeconds());
            Instant runAt = t.runAt();
            if (p.scheduledAtSet()) {
                sets.put("scheduled_at", p.scheduledAt());
                runAt = p.scheduledAt() == null ? now : p.scheduledAt();
                sets.put("run_at", runAt);
            }
            int open = -1;
            if (p.dependencies() != null) {
                List<Long> deps = List.copyOf(new LinkedHashSet<>(p.dependencies()));
                if (deps.contains(id)) throw new ValidationException("dependencies", "a task cannot depend on itself");
                open = openDependencies(tx, deps, id);
                tasks.replaceDeps(tx, id, deps);
                sets.put("deps_pending", open);
            }
            if (p.tags() != null) tasks.replaceTags(tx, id, p.tags());
            if (open < 0) open = currentOpen(tx, t);
            TaskStatus status = open == 0 && !runAt.isAfter(now) ? TaskStatus.QUEUED : TaskStatus.PENDING;
            sets.put("status", status);
            sets.put("updated_at", now);
            if (!tasks.update(tx, id, sets, t.status())) throw new ConflictException(ref(id) + " changed state meanwhile");
            tx.afterCommit(status == TaskStatus.QUEUED ? queued::run : promote::raise);
            return tasks.findForUpdate(tx, id);
        });
    }

    /** Deletes a task; a running one is cancelled (its process killed) first. */
    public void delete(long id) {
        db.write(tx -> {
            Task t = lockExisting(tx, id);
            List<Long> dependents = tasks.dependents(tx.connection(), id, false);
            if (!dependents.isEmpty()) {
                throw new ConflictException(ref(id) + " cannot be deleted: " + refs(dependents)
                        + (dependents.size() == 1 ? " depends" : " depend") + " on it");
            }
            if (!t.status().terminal()) {
                transitions.cancel(tx, t, clock.instant());
                if (t.status() == TaskStatus.RUNNING) tx.afterCommit(() -> stopAttempt(t));
            }
            tasks.delete(tx, id);
            return null;
        });
    }

    public Task cancel(long id) {
        return db.write(tx -> {
            Task t = lockExisting(tx, id);
            if (t.status().terminal()) {
                throw new ConflictException(ref(id) + " is already " + t.status().wire() + " and cannot be cancelled");
            }
            transitions.cancel(tx, t, clock.instant());
            if (t.status() == TaskStatus.RUNNING) tx.afterCommit(() -> stopAttempt(t));
            return tasks.findForUpdate(tx, id);
        });
    }

    public Task retry(long id) {
        return db.write(tx -> {
            Task t = lockExisting(tx, id);
            if (t.status() != TaskStatus.FAILED) {
                throw new ConflictException(ref(id) + " is " + t.status().wire() + "; only failed tasks can be retried");
            }
            transitions.retry(tx, t, clock.instant());
            tx.afterCommit(promote::raise);
            return tasks.findForUpdate(tx, id);
        });
    }

    /**
     * A failed task (or, with {@code allowCancelled}, a cancelled one) runs again from {@code runAt};
     * retry_count counts it (the device face's retries, which wait a random delay).
     */
    public Task retryAt(long id, Instant runAt, boolean allowCancelled) {
        return db.write(tx -> retryAtIn(tx, lockExisting(tx, id), runAt, allowCancelled, clock.instant()));
    }

    /**
     * As {@link #retryAt}, inside the caller's transaction on a task it locked ({@link #lockIn}):
     * the device face checks its own retry limit and retries many tasks in one transaction.
     */
    public Task retryAtIn(Tx tx, Task t, Instant runAt, boolean allowCancelled, Instant now) throws SQLException {
        if (t.status() != TaskStatus.FAILED && !(allowCancelled && t.status() == TaskStatus.CANCELLED)) {
            throw new ConflictException(ref(t.id()) + " is " + t.status().wire() + "; only "
                    + (allowCancelled ? "failed or cancelled" : "failed") + " tasks can be retried");
        }
        transitions.retry(tx, t, now, runAt.isBefore(now) ? now : runAt);
        tx.afterCommit(promote::raise);
        return tasks.findForUpdate(tx, t.id());
    }

    /** Merges keys into a running task's checkpoint data. */
    public Task checkpoint(long id, ObjectNode data) {
        return db.write(tx -> {
            Task t = lockExisting(tx, id);
            if (!t.checkpointEnabled()) {
                throw new ConflictException(ref(id) + " was created with checkpoint_enabled false");
            }
            if (t.status() != TaskStatus.RUNNING) {
                throw new ConflictException(ref(id) + " is " + t.status().wire() + "; checkpoints are accepted only while it runs");
            }
            ObjectNode merged = t.checkpointData() instanceof ObjectNode o ? o.deepCopy() : dev.coxswain.core.Json.object();
            merged.setAll(data);
            Instant now = clock.instant();
            tasks.update(tx, id, Map.of("checkpoint_data", merged, "updated_at", now), TaskStatus.RUNNING);
            return tasks.findForUpdate(tx, id);
        });
    }

    // ---- rules -----------------------------------------------------------------------------

    private static void validate(NewTask t) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (t.name() == null || t.name().isBlank()) errors.put("name", "is required");
        checkPriority(t.priority(), errors);
        if (t.maxRetries() < 0) errors.put("max_retries", "must be 0 or more");
        if (t.timeoutSeconds() < 1) errors.put("timeout_seconds", "must be at least 1");
        checkScheduledAt(t.scheduledAt(), errors);
        if (!errors.isEmpty()) throw new ValidationException(errors);
    }

    private static void checkScheduledAt(Instant at, Map<String, String> errors) {
        String problem = NewTask.scheduledAtProblem(at);
        if (problem != null) errors.put("scheduled_at", problem);
    }

    private static void checkPriority(int p, Map<String, String> errors) {
        if (p < NewTask.MIN_PRIORITY || p > NewTask.MAX_PRIORITY) {
            errors.put("priority", "must be between " + NewTask.MIN_PRIORITY + " and " + NewTask.MAX_PRIORITY);
        }
    }

    /**
     * Checks dependencies exist, are not failed or cancelled, and (for an existing task) do not
     * make a cycle; locks them so they cannot finish unseen while this transaction decides.
     *
     * @return how many are not completed yet
     */
    private int openDependencies(Tx tx, Collection<Long> deps, Long self) throws SQLException {
        if (deps.isEmpty()) return 0;
        Map<Long, TaskStatus> st = tasks.statuses(tx.connection(), deps, true);
        List<Long> missing = deps.stream().filter(d -> !st.containsKey(d)).toList();
        if (!missing.isEmpty()) throw new ValidationException("dependencies", "unknown task " + refs(missing));
        List<Long> dead = deps.stream().filter(d -> st.get(d) == TaskStatus.FAILED || st.get(d) == TaskStatus.CANCELLED).toList();
        if (!dead.isEmpty()) {
            throw new ValidationException("dependencies", refs(dead) + (dead.size() == 1 ? " has" : " have")
                    + " already failed or been cancelled");
        }
        if (self != null && tasks.reaches(tx.connection(), deps, self)) {
            throw new ValidationException("dependencies", "would create a cycle through " + ref(self));
        }
        return (int) deps.stream().filter(d -> st.get(d) != TaskStatus.COMPLETED).count();
    }

    private int currentOpen(Tx tx, Task t) throws SQLException {
        if (t.dependencies().isEmpty()) return 0;
        Map<Long, TaskStatus> st = tasks.statuses(tx.connection(), t.dependencies(), false);
        return (int) t.dependencies().stream().filter(d -> st.get(d) != TaskStatus.COMPLETED).count();
    }

    private Task lockExisting(Tx tx, long id) throws SQLException {
        Task t = tasks.findForUpdate(tx, id);
        if (t == null) throw notFound(id);
        return t;
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException(ref(id) + " not found");
    }

    private static String refs(Collection<Long> ids) {
        return String.join(", ", ids.stream().map(TaskTransitions::ref).toList());
    }
}
