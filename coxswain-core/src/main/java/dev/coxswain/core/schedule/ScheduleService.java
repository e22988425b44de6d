package dev.coxswain.core.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.SchedulePatch;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.InTx;
import dev.coxswain.core.store.ScheduleStore;
import dev.coxswain.core.store.StoreException;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Schedules: validation, storage, pause/resume, manual runs and the run history. Firing slots is
 * the {@link ScheduleFirer}'s; every change that moves a schedule's next slot asks it to reload.
 */
public final class ScheduleService {
    static final int MAX_NAME = 200;
    static final int MAX_TAGS = 50;

    private final Database db;
    private final ScheduleStore store;
    private final TaskService tasks;
    private final Clock clock;
    private final ZoneId defaultZone;
    private final Set<String> taskTypes;
    private final Runnable changed;

    /**
     * @param taskTypes the task types this server can run (a schedule of another type is refused)
     * @param changed   called after a commit that moved a next slot (wakes the firer)
     */
    public ScheduleService(Database db, ScheduleStore store, TaskService tasks, Clock clock, ZoneId defaultZone,
                           Set<String> taskTypes, Runnable changed) {
        this.db = db;
        this.store = store;
        this.tasks = tasks;
        this.clock = clock;
        this.defaultZone = defaultZone;
        this.taskTypes = Set.copyOf(taskTypes);
        this.changed = changed;
    }

    public ZoneId defaultZone() {
        return defaultZone;
    }

    /** Parses with the schedule's zone (or the server's); throws {@link InvalidScheduleException}. */
    public CronExpression parse(String expression, String timezone) {
        return CronExpression.parse(expression, zone(timezone));
    }

    /** The next {@code n} fire times from now. */
    public List<Instant> preview(String expression, String timezone, int n) {
        return preview(expression, timezone, null, n);
    }

    /** The next {@code n} fire times strictly after {@code from} (null: now). */
    public List<Instant> preview(String expression, String timezone, Instant from, int n) {
        return parse(expression, timezone).next(from == null ? clock.instant() : from, n);
    }

    public Schedule create(NewSchedule s) {
        return create(s, InTx.none());
    }

    /** As {@link #create(NewSchedule)}, running {@code then} in the creating transaction. */
    public Schedule create(NewSchedule s, InTx<? super Schedule> then) {
        Map<String, String> bad = new LinkedHashMap<>();
        checkName(s.name(), bad);
        checkCommon(s.priority(), s.tags(), s.maxRetries(), s.timeoutSeconds(), bad);
        // A remote worker's skill may be scheduled before any worker that has it is online: its runs wait.
        if (!taskTypes.contains(s.taskType()) && !dev.coxswain.core.remote.RemoteWorkers.IDENTIFIER.matcher(s.taskType()).matches()) {
            bad.put("task_type", "must be one of " + String.join(", ", new java.util.TreeSet<>(taskTypes))
                    + " or a worker skill name matching ^[a-zA-Z0-9_-]+$");
        }
        if (s.timezone() != null) checkZone(s.timezone(), bad);
        if (!bad.isEmpty()) throw new ValidationException(bad);
        CronExpression cron = parse(s.expression(), s.timezone());
        String zone = s.timezone() == null ? defaultZone.getId() : s.timezone();
        NewSchedule stored = new NewSchedule(s.face(), s.name().trim(), s.description(), s.expression().trim(), zone,
                s.taskType(), s.payload(), s.priority(), s.tags(), s.maxRetries(), s.backoff(), s.timeoutSeconds(),
                s.misfire(), s.overlap(), s.paused());
        try {
            return db.write(tx -> {
                Instant now = clock.instant();
                if (nameTaken(tx, stored.face(), stored.name(), null)) throw duplicate(stored.name());
                Instant next = s.paused() ? null : cron.next(now).orElse(null);
                ScheduleStatus status = s.paused() ? ScheduleStatus.PAUSED : next == null ? ScheduleStatus.COMPLETED : ScheduleStatus.ACTIVE;
                Schedule made = store.find(tx.connection(), store.insert(tx, stored, status, next, now));
                then.accept(tx, made);
                tx.afterCommit(changed);
                return made;
            });
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException sql && db.dialect().isUniqueViolation(sql)) throw duplicate(stored.name());
            throw e;
        }
    }

    public Schedule get(long id) {
        Schedule s = db.read(c -> store.find(c, id));
        if (s == null) throw new NotFoundException("schedule " + id + " not found");
        return s;
    }

    public Page<Schedule> list(String face, ScheduleStatus status, String tag, int offset, int limit) {
        return db.read(c -> store.list(c, face, status, tag, offset, limit));
    }

    /**
     * Applies a partial change. A new expression or zone moves the next slot; {@code status}
     * {@code paused}/{@code active} pauses or resumes; {@code completed} cannot be set.
     */
    public Schedule update(long id, SchedulePatch p) {
        Map<String, String> bad = new LinkedHashMap<>();
        if (p.name() != null) checkName(p.name(), bad);
        if (p.timezone() != null) checkZone(p.timezone(), bad);
        if (p.status() == ScheduleStatus.COMPLETED) bad.put("status", "must be active or paused");
        checkCommon(p.priority() == null ? 5 : p.priority(), p.tags() == null ? List.of() : p.tags(),
                p.maxRetries() == null ? 0 : p.maxRetries(), p.timeoutSeconds() == null ? 1 : p.timeoutSeconds(), bad);
        if (!bad.isEmpty()) throw new ValidationException(bad);
        Schedule cur = get(id);
        String expression = p.expression() == null ? cur.expression() : p.expression().trim();
        String timezone = p.timezone() == null ? cur.timezone() : p.timezone();
        CronExpression cron = parse(expression, timezone);
        try {
            db.write(tx -> {
                Instant now = clock.instant();
                Schedule s = store.find(tx.connection(), id);
                if (s == null) throw new NotFoundException("schedule " + id + " not found");
                if (p.name() != null && nameTaken(tx, s.face(), p.name().trim(), id)) throw duplicate(p.name().trim());
                Map<String, Object> sets = new LinkedHashMap<>();
                if (p.name() != null) sets.put("name", p.name().trim());
                if (p.description() != null) sets.put("description", p.description());
                if (p.payload() != null) sets.put("payload", dev.coxswain.core.Json.write(p.payload()));
                if (p.priority() != null) sets.put("priority", p.priority());
                if (p.tags() != null) sets.put("tags", dev.coxswain.core.Json.write(p.tags()));
                if (p.maxRetries() != null) sets.put("max_retries", p.maxRetries());
                if (p.backoff() != null) sets.put("backoff", p.backoff());
                if (p.timeoutSeconds() != null) sets.put("timeout_seconds", p.timeoutSeconds());
                if (p.misfire() != null) sets.put("misfire", p.misfire().wire());
                if (p.overlap() != null) sets.put("overlap", p.overlap().wire());
                boolean timing = p.expression() != null || p.timezone() != null;
                if (timing) {
                    sets.put("expression", expression);
                    sets.put("timezone", timezone);
                }
                ScheduleStatus target = p.status() != null ? p.status()
                        : s.status() == ScheduleStatus.COMPLETED && timing ? ScheduleStatus.ACTIVE : s.status();
                if (target == ScheduleStatus.PAUSED) {
                    sets.put("status", ScheduleStatus.PAUSED.wire());
                    sets.put("next_run_at", null);
                } else if (timing || target != s.status()) {
                    Instant next = cron.next(now).orElse(null);
                    sets.put("status", (next == null ? ScheduleStatus.COMPLETED : ScheduleStatus.ACTIVE).wire());
                    sets.put("next_run_at", next == null ? null : next.toEpochMilli());
                }
                store.update(tx, id, sets, now);
                tx.afterCommit(changed);
                return null;
            });
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException sql && db.dialect().isUniqueViolation(sql)) throw duplicate(p.name());
            throw e;
        }
        return get(id);
    }

    public Schedule pause(long id) {
        Schedule s = get(id);
        if (s.status() == ScheduleStatus.COMPLETED) throw new ConflictException("schedule " + id + " is completed and cannot be paused");
        if (s.status() == ScheduleStatus.PAUSED) return s;
        return update(id, new SchedulePatch(null, null, null, null, null, null, null, null, null, null, null, null,
                ScheduleStatus.PAUSED));
    }

    public Schedule resume(long id) {
        Schedule s = get(id);
        if (s.status() == ScheduleStatus.COMPLETED) throw new ConflictException("schedule " + id + " is completed and cannot be resumed");
        if (s.status() == ScheduleStatus.ACTIVE) return s;
        return update(id, new SchedulePatch(null, null, null, null, null, null, null, null, null, null, null, null,
                ScheduleStatus.ACTIVE));
    }

    /** Deletes the schedule; its runs stay (they are tasks with their own history). */
    public void delete(long id) {
        if (!db.write(tx -> store.delete(tx, id))) throw new NotFoundException("schedule " + id + " not found");
        changed.run();
    }

    /** Runs the schedule now, whatever its state or schedule (a manual run belongs to no slot). */
    public Task runNow(long id) {
        return runNow(id, InTx.none());
    }

    /** As {@link #runNow(long)}, running {@code then} in the transaction that creates the run. */
    public Task runNow(long id, InTx<? super Task> then) {
        Schedule s = get(id);
        return db.write(tx -> {
            Task t = tasks.createIn(tx, runOf(s), clock.instant());
            store.markRun(tx, t.id(), null, false);
            store.setLastTask(tx, s.id(), t.id());
            then.accept(tx, t);
            return t;
        });
    }

    public Page<ScheduleRun> runs(long id, ScheduleRun.Outcome outcome, int offset, int limit) {
        get(id);
        return db.read(c -> store.runs(c, id, outcome, offset, limit));
    }

    /**
     * The schedule's newest runs, newest first, older than {@code beforeId} when given (the
     * dashboard's history: a keyset page, no count).
     */
    public List<ScheduleRun> recentRuns(long id, Long beforeId, int limit) {
        return db.read(c -> store.recentRuns(c, id, beforeId, limit));
    }

    /** The last run of each of these schedules that has one, by schedule id. */
    public Map<Long, Task> lastRuns(List<Schedule> schedules) {
        return db.read(c -> store.lastRuns(c, schedules));
    }

    /** The newest run, or null. */
    public ScheduleRun lastRun(long id) {
        List<ScheduleRun> l = db.read(c -> store.runs(c, id, null, 0, 1)).items();
        return l.isEmpty() ? null : l.get(0);
    }

    public ScheduleRun run(long scheduleId, long taskId) {
        ScheduleRun r = db.read(c -> store.run(c, scheduleId, taskId));
        if (r == null) throw new NotFoundException("execution " + taskId + " of schedule " + scheduleId + " not found");
        return r;
    }

    /** The task a slot of this schedule runs. */
    static NewTask runOf(Schedule s) {
        JsonNode payload = s.payload();
        return new NewTask(s.taskType(), s.name(), s.description(), payload, s.priority(), s.maxRetries(), s.backoff(),
                null, s.timeoutSeconds(), s.tags(), List.of(), false, ScheduleStore.ORIGIN, Long.toString(s.id()));
    }

    private ZoneId zone(String timezone) {
        if (timezone == null) return defaultZone;
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new ValidationException("timezone", "'" + timezone + "' is not a known IANA time zone");
        }
    }

    private boolean nameTaken(Tx tx, String face, String name, Long except) throws SQLException {
        return dev.coxswain.core.store.Sql.count(tx.connection(), "SELECT COUNT(*) FROM schedules WHERE face = ? AND name = ?"
                + (except == null ? "" : " AND id <> " + except), face, name) > 0;
    }

    private static ConflictException duplicate(String name) {
        return new ConflictException("a schedule named '" + name + "' already exists");
    }

    private static void checkName(String name, Map<String, String> bad) {
        if (name == null || name.isBlank()) bad.put("name", "is required");
        else if (name.length() > MAX_NAME) bad.put("name", "must be at most " + MAX_NAME + " characters");
    }

    private static void checkZone(String tz, Map<String, String> bad) {
        try {
            ZoneId.of(tz);
        } catch (DateTimeException e) {
            bad.put("timezone", "'" + tz + "' is not a known IANA time zone");
        }
    }

    private static void checkCommon(int priority, List<String> tags, int maxRetries, int timeout, Map<String, String> bad) {
        if (priority < NewTask.MIN_PRIORITY || priority > NewTask.MAX_PRIORITY) bad.put("priority", "must be between 1 and 10");
        if (tags.size() > MAX_TAGS) bad.put("tags", "at most " + MAX_TAGS + " tags");
        if (maxRetries < 0 || maxRetries > 100) bad.put("max_retries", "must be between 0 and 100");
        if (timeout < 1 || timeout > 604_800) bad.put("timeout_seconds", "must be between 1 and 604800 seconds");
    }
}
