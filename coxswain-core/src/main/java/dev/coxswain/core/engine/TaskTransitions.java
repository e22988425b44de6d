package dev.coxswain.core.engine;

import dev.coxswain.core.exec.Completion;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.store.EventStore;
import dev.coxswain.core.store.EventStore.Event;
import dev.coxswain.core.store.LogStore;
import dev.coxswain.core.store.LogStore.Line;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.Tx;
import dev.coxswain.core.store.WorkerStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every task state change, with the event and lifecycle log line that record it, inside the
 * caller's transaction. This is the one place that knows what a failed attempt, a cancel or a
 * finished dependency means for the task and its dependents.
 */
public final class TaskTransitions {
    private final TaskStore tasks;
    private final LogStore logs;
    private final EventStore events;
    private final WorkerStore workers;
    private final Backoff backoff;
    private final TaskEndings endings;

    public TaskTransitions(TaskStore tasks, LogStore logs, EventStore events, WorkerStore workers, Backoff backoff) {
        this(tasks, logs, events, workers, backoff, TaskEndings.NONE);
    }

    /** @param endings told of every task that reaches a final state, in the transaction that ends it */
    public TaskTransitions(TaskStore tasks, LogStore logs, EventStore events, WorkerStore workers, Backoff backoff,
                           TaskEndings endings) {
        this.endings = endings;
        this.tasks = tasks;
        this.logs = logs;
        this.events = events;
        this.workers = workers;
        this.backoff = backoff;
    }

    public static String ref(long taskId) {
        return "task-" + taskId;
    }

    /**
     * Inserts a new task with its creation records: the {@code task.created} event and the first
     * log line (the insert starts log_count at 1 for it). On PostgreSQL all three are one
     * statement; the event's webhook deliveries are queued either way.
     *
     * @return the new task's id
     */
    public long insertCreated(Tx tx, NewTask t, TaskStatus status, Instant runAt, int depsPending, Instant now,
                              Instant slotAt) throws SQLException {
        var records = creationRecords(status);
        if (tasks.writesCreationRecords()) {
            long id = tasks.insert(tx, t, status, runAt, depsPending, now, slotAt, records);
            events.fanOut(tx, List.of(createdEvent(records, id, now)));
            return id;
        }
        long id = tasks.insert(tx, t, status, runAt, depsPending, now, slotAt);
        events.append(tx, List.of(createdEvent(records, id, now)));
        logs.append(tx, List.of(new Line(id, now.toEpochMilli(), records.level(), records.message())));
        return id;
    }

    /**
     * As {@link #insertCreated} for many tasks created together (the runs of one schedule firing
     * pass): multi-row inserts, one group per status, each task with the same creation records
     * {@code insertCreated} gives it.
     *
     * @return the new ids, in the order of {@code rows}
     */
    public long[] insertAllCreated(Tx tx, List<TaskStore.NewRow> rows, Instant now) throws SQLException {
        long[] ids = new long[rows.size()];
        Map<TaskStatus, List<Integer>> byStatus = new java.util.EnumMap<>(TaskStatus.class);
        for (int i = 0; i < rows.size(); i++) byStatus.computeIfAbsent(rows.get(i).status(), k -> new ArrayList<>()).add(i);
        for (var group : byStatus.entrySet()) {
            List<TaskStore.NewRow> part = new ArrayList<>(group.getValue().size());
            for (int i : group.getValue()) part.add(rows.get(i));
            var records = creationRecords(group.getKey());
            long[] got = tasks.insertAll(tx, part, now, tasks.writesCreationRecords() ? records : null);
            List<Event> ev = new ArrayList<>(got.length);
            for (long id : got) ev.add(createdEvent(records, id, now));
            if (tasks.writesCreationRecords()) {
                events.fanOut(tx, ev);
            } else {
                List<Line> lines = new ArrayList<>(got.length);
                for (long id : got) lines.add(new Line(id, now.toEpochMilli(), records.level(), records.message()));
                events.append(tx, ev);
                logs.append(tx, lines);
            }
            for (int k = 0; k < got.length; k++) ids[group.getValue().get(k)] = got[k];
        }
        return ids;
    }

    /** What a task created with {@code status} records: its {@code task.created} event and first log line. */
    private static TaskStore.CreationRecords creationRecords(TaskStatus status) {
        return new TaskStore.CreationRecords("task.created", Json.object().put("status", status.wire()).toString(),
                LogLevel.INFO, "Task created (" + status.wire() + ")");
    }

    private static Event createdEvent(TaskStore.CreationRecords r, long taskId, Instant now) {
        return new Event(now.toEpochMilli(), r.eventType(), taskId, null, r.eventData());
    }

    /** The start records, as the claim statement writes them where the dialect can (one text for both paths). */
    private static final TaskStore.StartRecords START = new TaskStore.StartRecords("task.started",
            Json.object().put("status", TaskStatus.RUNNING.wire()).toString(), LogLevel.INFO,
            "Task started execution (attempt ", " on ", ")");

    /**
     * Claims up to {@code limit} queued tasks for the worker and records their start (the
     * {@code task.started} event and log line); on PostgreSQL the claim and the records are one
     * statement. The event's webhook deliveries are queued either way.
     */
    public List<Task> claimAndStart(Tx tx, String workerId, Collection<String> types, int limit, Instant now,
                                    Instant leaseUntil) throws SQLException {
        if (!tasks.writesStartRecords()) {
            List<Task> got = tasks.claim(tx, workerId, types, limit, now, leaseUntil);
            started(tx, got, now);
            return got;
        }
        List<Task> got = tasks.claim(tx, workerId, types, limit, now, leaseUntil, START);
        List<Event> ev = new ArrayList<>(got.size());
        for (Task t : got) ev.add(startEvent(t, now));
        events.fanOut(tx, ev);
        return got;
    }

    /**
     * Claims one queued task by id for the worker and records its start (a routed task, which the
     * worker has checked against its requirements). @return null when it is no longer queued
     */
    public Task claimByIdAndStart(Tx tx, long id, String workerId, Instant now, Instant leaseUntil) throws SQLException {
        Task t = tasks.claimById(tx, id, workerId, now, leaseUntil);
        if (t != null) started(tx, List.of(t), now);
        return t;
    }

    /**
     * Gives a claimed attempt back to the queue without counting it as a retry: a worker that
     * shut down before running it, or a poll that ended before its task reached the worker.
     *
     * @return whether the task was still running that attempt
     */
    public boolean handBack(Tx tx, long taskId, int attempt, Instant now, String why) throws SQLException {
        Task t = tasks.findForUpdate(tx, taskId);
        if (t == null || t.status() != TaskStatus.RUNNING || t.attempt() != attempt) return false;
        tasks.update(tx, taskId, sets("status", TaskStatus.QUEUED, "worker_id", null, "lease_until", null,
                "updated_at", now), TaskStatus.RUNNING);
        Line l = new Line(taskId, now.toEpochMilli(), LogLevel.WARN, why + "; the task is queued again");
        logs.append(tx, List.of(l));
        tasks.addLogCount(tx, taskId, 1);
        return true;
    }

    private static Event startEvent(Task t, Instant now) {
        return new Event(now.toEpochMilli(), START.eventType(), t.id(), t.workerId(), START.eventData());
    }

    /** Records the start of freshly claimed attempts. */
    private void started(Tx tx, List<Task> claimed, Instant now) throws SQLException {
        if (claimed.isEmpty()) return;
        List<Event> ev = new ArrayList<>(claimed.size());
        List<Line> lines = new ArrayList<>(claimed.size());
        for (Task t : claimed) {
            ev.add(startEvent(t, now));
            lines.add(new Line(t.id(), now.toEpochMilli(), START.level(), START.before() + t.attempt() + START.between()
                    + t.workerId() + START.after()));
        }
        events.append(tx, ev);
        logs.append(tx, lines); // the claim statement already counted these lines
    }

    /**
     * Applies a batch of attempt endings. Each applies only if the task is still running that
     * attempt; otherwise (cancelled meanwhile, lease lost and re-claimed) it is dropped.
     *
     * <p>Successes, the hot path, are one batched guarded UPDATE for the whole batch; failures
     * (rarer, and they need the task's retry state) are read and decided one by one.
     */
    public void finishAll(Tx tx, List<Completion> batch, List<Line> pendingLines) throws SQLException {
        Map<String, int[]> perWorker = new LinkedHashMap<>();
        List<Line> lines = new ArrayList<>(pendingLines);
        List<Event> ev = new ArrayList<>();
        List<Completion> successes = new ArrayList<>();
        for (Completion c : batch) {
            Instant now = c.finishedAt();
            switch (c.outcome()) {
                case CANCELLED -> lines.add(new Line(c.taskId(), now.toEpochMilli(), LogLevel.WARN,
                        "Process tree killed after cancel"));
                case RELEASED -> {
                    // Only the attempt the task still runs: after a lost lease another worker may
                    // run its retry, which a stale release must not take away from it.
                    Task t = tasks.findForUpdate(tx, c.taskId());
                    if (t == null || t.status() != TaskStatus.RUNNING || t.attempt() != c.attempt()) continue;
                    tasks.update(tx, c.taskId(), sets("status", TaskStatus.QUEUED, "worker_id", null,
                            "lease_until", null, "updated_at", now), TaskStatus.RUNNING);
                    lines.add(new Line(c.taskId(), now.toEpochMilli(), LogLevel.WARN,
                            "Attempt interrupted by server shutdown; the task is queued again"));
                }
                case RESULT -> {
                    if (c.result().success()) {
                        successes.add(c);
                        continue;
                    }
                    Task t = tasks.findForUpdate(tx, c.taskId());
                    if (t == null || t.status() != TaskStatus.RUNNING || t.attempt() != c.attempt()) continue;
                    perWorker.computeIfAbsent(c.workerId(), k -> new int[2])[1]++;
                    failAttempt(tx, t, c.result().error(), c.result().exitCode(), c.result().result(), c.result().permanent(),
                            c.result().errorCode(), now, ev, lines);
                }
            }
        }
        boolean[] applied = tasks.completeAll(tx, successes);
        List<Long> done = new ArrayList<>();
        // completeAll already counted each success's own line, so these are kept apart from the
        // lines still to be counted (by where they come from: a task may print the same words).
        List<Line> completedLines = new ArrayList<>();
        for (int i = 0; i < successes.size(); i++) {
            if (!applied[i]) continue;
            Completion c = successes.get(i);
            done.add(c.taskId());
            perWorker.computeIfAbsent(c.workerId(), k -> new int[2])[0]++;
            ev.add(event(c.finishedAt(), "task.completed", c.taskId(), c.workerId(), TaskStatus.COMPLETED, null));
            completedLines.add(new Line(c.taskId(), c.finishedAt().toEpochMilli(), LogLevel.INFO, "Task completed successfully"
                    + exit(c.result().exitCode()) + " in " + seconds(c.startedAt(), c.finishedAt())));
        }
        if (!done.isEmpty()) endings.ended(tx, done);
        for (long id : tasks.withDependents(tx.connection(), done)) tasks.dependencyCompleted(tx, id, batch.get(0).finishedAt());
        for (var e : perWorker.entrySet()) workers.addOutcomes(tx, e.getKey(), e.getValue()[0], e.getValue()[1]);
        events.append(tx, ev);
        // Holds the buffered output of attempts, whose tasks may have been deleted meanwhile.
        // Each completion line follows its task's output, as before.
        List<Line> all = new ArrayList<>(lines.size() + completedLines.size());
        all.addAll(lines);
        all.addAll(completedLines);
        logs.appendBuffered(tx, all);
        bumpLogCounts(tx, lines);
    }

    /**
     * One attempt of a running task failed: back to pending with a backoff delay while retries
     * remain, otherwise failed for good (and its dependents with it).
     */
    public void failAttempt(Tx tx, Task t, String error, Integer exitCode, String result, Instant now,
                            List<Event> ev, List<Line> lines) throws SQLException {
        failAttempt(tx, t, error, exitCode, result, false, now, ev, lines);
    }

    /** @param permanent the executor said no retry can succeed: fail now, retries left or not */
    public void failAttempt(Tx tx, Task t, String error, Integer exitCode, String result, boolean permanent, Instant now,
                            List<Event> ev, List<Line> lines) throws SQLException {
        failAttempt(tx, t, error, exitCode, result, permanent, null, now, ev, lines);
    }

    /** @param errorCode the code a remote worker gave the failure, or null */
    public void failAttempt(Tx tx, Task t, String error, Integer exitCode, String result, boolean permanent,
                            String errorCode, Instant now, List<Event> ev, List<Line> lines) throws SQLException {
        if (!permanent && t.retryCount() < t.maxRetries()) {
            int retry = t.retryCount() + 1;
            Duration delay = backoff.delay(t.backoff(), retry);
            tasks.update(tx, t.id(), sets("status", TaskStatus.PENDING, "retry_count", retry, "run_at", now.plus(delay),
                    "updated_at", now, "worker_id", null, "lease_until", null, "error", error, "exit_code", exitCode,
                    "result", result, "error_code", errorCode), null);
            ev.add(event(now, "task.retrying", t.id(), t.workerId(), TaskStatus.PENDING, error));
            lines.add(new Line(t.id(), now.toEpochMilli(), LogLevel.WARN, "Attempt " + t.attempt() + " failed: " + error
                    + "; retrying in " + seconds(delay) + " (retry " + retry + " of " + t.maxRetries() + ")"));
        } else {
            tasks.update(tx, t.id(), sets("status", TaskStatus.FAILED, "completed_at", now, "updated_at", now,
                    "lease_until", null, "error", error, "exit_code", exitCode, "result", result, "error_code", errorCode),
                    null);
            ev.add(event(now, "task.failed", t.id(), t.workerId(), TaskStatus.FAILED, error));
            lines.add(new Line(t.id(), now.toEpochMilli(), LogLevel.ERROR, "Task failed: " + error
                    + (permanent && t.retryCount() < t.maxRetries() ? " (not retried: a retry would fail the same way)"
                    : t.maxRetries() > 0 ? " (after " + t.retryCount() + " retries)" : "")));
            endings.ended(tx, List.of(t.id()));
            failDependents(tx, t.id(), "failed", now, ev, lines);
        }
    }

    /** Cancels a pending, queued or running task and fails what waits on it. */
    public void cancel(Tx tx, Task t, Instant now) throws SQLException {
        List<Event> ev = new ArrayList<>();
        List<Line> lines = new ArrayList<>();
        tasks.update(tx, t.id(), sets("status", TaskStatus.CANCELLED, "completed_at", now, "updated_at", now,
                "lease_until", null), null);
        ev.add(event(now, "task.cancelled", t.id(), t.workerId(), TaskStatus.CANCELLED, null));
        lines.add(new Line(t.id(), now.toEpochMilli(), LogLevel.WARN, "Task cancelled"
                + (t.status() == TaskStatus.RUNNING ? " while running on " + t.workerId() : "")));
        endings.ended(tx, List.of(t.id()));
        failDependents(tx, t.id(), "was cancelled", now, ev, lines);
        events.append(tx, ev);
        logs.append(tx, lines);
        bumpLogCounts(tx, lines);
    }

    /**
     * A failed task is given another run now; retry_count counts it. It waits for those of its
     * dependencies that have not completed: deps_pending is counted afresh, because a task failed
     * by a dependency kept its old count, and that dependency may since have been retried and
     * completed (which only decrements dependents that are pending).
     */
    public void retry(Tx tx, Task t, Instant now) throws SQLException {
        retry(tx, t, now, now);
    }

    /** As {@link #retry(Tx, Task, Instant)}, due at {@code runAt} (pending until then). */
    public void retry(Tx tx, Task t, Instant now, Instant runAt) throws SQLException {
        Map<Long, TaskStatus> deps = tasks.statuses(tx.connection(), t.dependencies(), false);
        int open = (int) t.dependencies().stream().filter(d -> deps.get(d) != TaskStatus.COMPLETED).count();
        tasks.update(tx, t.id(), sets("status", TaskStatus.PENDING, "retry_count", t.retryCount() + 1, "run_at", runAt,
                "deps_pending", open, "updated_at", now, "completed_at", null, "worker_id", null, "error", null,
                "exit_code", null, "result", null, "error_code", null, "progress", null, "progress_message", null,
                "result_status", null), null);
        Line l = new Line(t.id(), now.toEpochMilli(), LogLevel.INFO, "Retry requested (retry " + (t.retryCount() + 1) + ")");
        events.append(tx, List.of(event(now, "task.retrying", t.id(), null, TaskStatus.PENDING, null)));
        logs.append(tx, List.of(l));
        tasks.addLogCount(tx, t.id(), 1);
    }

    /** A lost lease: the worker stopped renewing, so the attempt counts as failed. */
    public void leaseExpired(Tx tx, Task t, Instant now) throws SQLException {
        attemptLost(tx, t, now, "worker " + t.workerId() + " stopped renewing its lease (lost or killed)");
    }

    /** The attempt's worker is gone ({@code why}): a failed attempt, retried per the task's policy. */
    public void attemptLost(Tx tx, Task t, Instant now, String why) throws SQLException {
        attemptFailed(tx, t, now, why, null);
    }

    /** A running attempt failed for {@code why} (with a protocol error code, or null): retried per the task's policy. */
    public void attemptFailed(Tx tx, Task t, Instant now, String why, String errorCode) throws SQLException {
        List<Event> ev = new ArrayList<>();
        List<Line> lines = new ArrayList<>();
        failAttempt(tx, t, why, null, null, false, errorCode, now, ev, lines);
        events.append(tx, ev);
        logs.append(tx, lines);
        bumpLogCounts(tx, lines);
    }

    /** Fails every unfinished task that (transitively) depends on {@code depId}, naming the cause. */
    private void failDependents(Tx tx, long depId, String what, Instant now, List<Event> ev, List<Line> lines)
            throws SQLException {
        Deque<Long> work = new ArrayDeque<>();
        work.add(depId);
        String verb = what;
        while (!work.isEmpty()) {
            long dep = work.poll();
            for (long d : tasks.dependents(tx.connection(), dep, true)) {
                String error = "dependency " + ref(dep) + " " + verb;
                boolean ok = tasks.update(tx, d, sets("status", TaskStatus.FAILED, "completed_at", now,
                        "updated_at", now, "error", error), null);
                if (!ok) continue;
                endings.ended(tx, List.of(d));
                ev.add(event(now, "task.failed", d, null, TaskStatus.FAILED, error));
                lines.add(new Line(d, now.toEpochMilli(), LogLevel.ERROR, "Task failed: " + error));
                work.add(d);
            }
            verb = "failed";
        }
    }

    private void bumpLogCounts(Tx tx, List<Line> lines) throws SQLException {
        Map<Long, Integer> per = new LinkedHashMap<>();
        for (Line l : lines) per.merge(l.taskId(), 1, Integer::sum);
        for (var e : per.entrySet()) tasks.addLogCount(tx, e.getKey(), e.getValue());
    }

    private static Event event(Instant now, String type, long taskId, String workerId, TaskStatus status, String error) {
        var data = Json.object().put("status", status.wire());
        if (error != null) data.put("error", error);
        return new Event(now.toEpochMilli(), type, taskId, workerId, data.toString());
    }

    static Map<String, Object> sets(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static String exit(Integer code) {
        return code == null ? "" : " (exit code " + code + ")";
    }

    private static String seconds(Instant from, Instant to) {
        return from == null ? "?" : seconds(Duration.between(from, to));
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.3f s", d.toMillis() / 1000.0);
    }
}
