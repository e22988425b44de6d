package dev.coxswain.server.scheduler;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.connection.ConnectionService;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskQuery;
import dev.coxswain.core.domain.TaskSort;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.schedule.ScheduleService;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.store.ScheduleStore;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.core.service.IdempotencyService;
import dev.coxswain.server.face.FaceCreates;
import dev.coxswain.server.face.FaceGuard;
import dev.coxswain.server.face.FaceRoutes;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import dev.coxswain.server.http.RouteTable;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.coxswain.server.scheduler.SchedulerGuard.Access.READ;
import static dev.coxswain.server.scheduler.SchedulerGuard.Access.WRITE;

/**
 * The scheduler face: the «Планировщик задач API» of {@code seeds/pg-analysis-scheduler-api.ru.md}
 * (PostgreSQL Reviewer) at {@code /scheduler} and {@code /api/v1/scheduler}. A task is a schedule
 * of analysis runs owned by this face; an execution is one run (a task, also in {@code /api/tasks}).
 */
public final class SchedulerApi {
    static final String[] PREFIXES = {"/scheduler", "/api/v1/scheduler"};
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final int PAGE = 500;

    private final ScheduleService schedules;
    private final TaskService tasks;
    private final ConnectionService connections;
    private final Bodies bodies;
    private final Clock clock;
    private final FaceGuard<SchedulerError> guard;
    private final FaceCreates creates;

    public SchedulerApi(ScheduleService schedules, TaskService tasks, ConnectionService connections,
                        IdempotencyService idempotency, Gatekeeper gate, Bodies bodies, Clock clock) {
        this.schedules = schedules;
        this.tasks = tasks;
        this.connections = connections;
        this.bodies = bodies;
        this.clock = clock;
        this.guard = new FaceGuard<>(SchedulerRequest.FACE, gate, new SchedulerErrors(), FaceGuard.PreCheck.NONE);
        this.creates = new FaceCreates(idempotency, guard.errors());
    }

    /** Register before any face whose catch-all covers {@code /api/v1/*}. */
    public void register(RouteTable table) {
        FaceRoutes f = new FaceRoutes(table, SchedulerRequest.FACE, guard);
        List<Pattern> known = new ArrayList<>();
        for (String p : PREFIXES) {
            f.get(p + "/tasks", READ, this::list)
                    .post(p + "/tasks", WRITE, this::create)
                    .get(p + "/tasks/{task_id}", READ, this::get)
                    .put(p + "/tasks/{task_id}", WRITE, this::update)
                    .delete(p + "/tasks/{task_id}", WRITE, this::delete)
                    .post(p + "/tasks/{task_id}/run", WRITE, this::run)
                    .post(p + "/tasks/{task_id}/queue", WRITE, this::queue)
                    .get(p + "/executions", READ, this::executions)
                    .get(p + "/executions/{execution_id}", READ, this::execution)
                    .get(p + "/stats", READ, this::stats)
                    .get(p + "/queue/status", READ, this::queueStatus);
            String q = Pattern.quote(p);
            known.add(Pattern.compile(q + "/(tasks|executions|stats|queue/status)/?"));
            known.add(Pattern.compile(q + "/(tasks|executions)/[^/]+/?"));
            known.add(Pattern.compile(q + "/tasks/[^/]+/(run|queue)/?"));
        }
        for (String p : PREFIXES) {
            f.fallback(p, guard.answer(SchedulerGuard.unmatched(known)))
                    .fallback(p + "/*", guard.answer(SchedulerGuard.unmatched(known)));
        }
    }

    // ---- tasks ------------------------------------------------------------------------------

    void list(ServerRequest req, ServerResponse res, Principal who) {
        Pydantic p = new Pydantic();
        Boolean active = p.boolParam(query(req, "is_active"), List.of("query", "is_active"));
        p.throwIfAny();
        ScheduleStatus status = active == null ? null : active ? ScheduleStatus.ACTIVE : ScheduleStatus.PAUSED;
        List<Schedule> all = new ArrayList<>();
        for (int offset = 0; ; offset += PAGE) {
            Page<Schedule> page = schedules.list(SchedulerRequest.FACE, status, null, offset, PAGE);
            all.addAll(page.items());
            if (page.items().size() < PAGE) break;
        }
        // Newest created first, as the original orders them.
        all.sort((a, b) -> Long.compare(b.id(), a.id()));
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Schedule s : all) out.add(taskJson(s));
        Respond.json(res, 200, out);
    }

    void create(ServerRequest req, ServerResponse res, Principal who) {
        SchedulerRequest.Create c = SchedulerRequest.create(Pydantic.body(bodies.read(req)));
        SchedulerGuard.requireToRun(who, c.taskType());
        var schedule = c.toSchedule(); // validates the cron's form first (400), as the original does
        checkCron(schedule.expression(), null, c.cron());
        try {
            connections.get(c.connectionId());
        } catch (NotFoundException e) {
            throw SchedulerError.badRequest("Подключение с ID " + c.connectionId() + " не найдено");
        }
        creates.<Schedule>respond(req, res, who, then -> {
            try {
                return schedules.create(schedule, then);
            } catch (ConflictException e) {
                throw SchedulerError.badRequest("Task with name '" + c.name() + "' already exists");
            }
        }, s -> FaceCreates.json(201, taskJson(s)));
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, taskJson(task(req)));
    }

    void update(ServerRequest req, ServerResponse res, Principal who) {
        Schedule cur = task(req);
        SchedulerRequest.Update u = SchedulerRequest.update(Pydantic.body(bodies.read(req)));
        if (u.params() != null) SchedulerGuard.requireToRun(who, cur.taskType());
        if (u.cron() != null) checkCron(SchedulerRequest.toCoxswainCron(u.cron()), cur.timezone(), u.cron());
        Schedule s;
        try {
            s = schedules.update(cur.id(), u.toPatch(cur));
        } catch (ConflictException e) {
            throw SchedulerError.badRequest("Task with name '" + u.name() + "' already exists");
        }
        Respond.json(res, 200, taskJson(s));
    }

    /** Deletes the task and cancels its unfinished executions; finished ones keep their rows. */
    void delete(ServerRequest req, ServerResponse res, Principal who) {
        Schedule s = task(req);
        List<Long> unfinished = new ArrayList<>();
        for (int offset = 0; ; offset += PAGE) {
            List<ScheduleRun> page = schedules.runs(s.id(), ScheduleRun.Outcome.IN_PROGRESS, offset, PAGE).items();
            page.forEach(r -> unfinished.add(r.task().id()));
            if (page.size() < PAGE) break;
        }
        schedules.delete(s.id());
        unfinished.forEach(this::cancelQuietly);
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    void run(ServerRequest req, ServerResponse res, Principal who) {
        Schedule s = task(req);
        SchedulerGuard.requireToRun(who, s.taskType());
        if (s.status() != ScheduleStatus.ACTIVE) throw SchedulerError.badRequest("Задача неактивна");
        creates.<Task>respond(req, res, who, then -> schedules.runNow(s.id(), then),
                t -> FaceCreates.json(200, Json.object().put("message", "Задача добавлена в очередь выполнения")
                        .put("task_id", s.id()).put("execution_id", t.id())));
    }

    /** Like /run, but an inactive task is queued too (as the original does). */
    void queue(ServerRequest req, ServerResponse res, Principal who) {
        Schedule s = task(req);
        SchedulerGuard.requireToRun(who, s.taskType());
        creates.<Task>respond(req, res, who, then -> schedules.runNow(s.id(), then),
                t -> FaceCreates.json(200, Json.object().put("message", "Задача " + s.id() + " добавлена в очередь")
                        .put("task_id", s.id()).put("execution_id", t.id())));
    }

    // ---- executions -------------------------------------------------------------------------

    void executions(ServerRequest req, ServerResponse res, Principal who) {
        Pydantic p = new Pydantic();
        Long taskId = p.intParam(query(req, "task_id"), List.of("query", "task_id"));
        Long limitRaw = p.intParam(query(req, "limit"), List.of("query", "limit"));
        if (limitRaw != null && limitRaw < 0) {
            p.error("greater_than_equal", List.of("query", "limit"), "Input should be greater than or equal to 0",
                    Json.MAPPER.getNodeFactory().textNode(query(req, "limit"))).putObject("ctx").put("ge", 0);
        }
        p.throwIfAny();
        int limit = (int) Math.min(limitRaw == null ? DEFAULT_LIMIT : limitRaw, MAX_LIMIT);
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (limit > 0) {
            List<Task> found;
            if (taskId != null) {
                // Executions of a task that no longer exists have lost their task (ON DELETE SET NULL).
                Schedule s = ownSchedule(taskId);
                found = s == null ? List.of() : schedules.runs(s.id(), null, 0, limit).items().stream().map(ScheduleRun::task).toList();
            } else {
                found = tasks.list(new TaskQuery(Set.of(), SchedulerRequest.RUN_TAG, null, TaskSort.ID, false, 0, limit)).items();
            }
            for (Task t : found) out.add(SchedulerJson.execution(t, zone()));
        }
        Respond.json(res, 200, out);
    }

    void execution(ServerRequest req, ServerResponse res, Principal who) {
        Long id = pathId(req, "execution_id");
        Task t;
        try {
            t = tasks.get(id);
        } catch (NotFoundException e) {
            throw SchedulerError.executionNotFound();
        }
        if (!ScheduleStore.ORIGIN.equals(t.originKind()) || !t.tags().contains(SchedulerRequest.RUN_TAG)) {
            throw SchedulerError.executionNotFound();
        }
        Respond.json(res, 200, SchedulerJson.execution(t, zone()));
    }

    // ---- monitoring -------------------------------------------------------------------------

    void stats(ServerRequest req, ServerResponse res, Principal who) {
        long active = schedules.list(SchedulerRequest.FACE, ScheduleStatus.ACTIVE, null, 0, 1).total();
        long total = schedules.list(SchedulerRequest.FACE, null, null, 0, 1).total();
        Instant now = clock.instant();
        Instant since = now.minus(Duration.ofHours(24));
        long[] c = new long[4]; // total, completed, failed, running
        // Started runs, newest start first, until they started before the window.
        outer:
        for (int offset = 0; ; offset += PAGE) {
            List<Task> page = tasks.list(new TaskQuery(Set.of(), SchedulerRequest.RUN_TAG, null, TaskSort.STARTED_AT, false,
                    offset, PAGE)).items();
            for (Task t : page) {
                if (t.startedAt() == null || t.startedAt().isBefore(since)) break outer;
                count(c, t);
            }
            if (page.size() < PAGE) break;
        }
        // Runs that have not started count from their creation (the original stamps started_at then).
        outer:
        for (int offset = 0; ; offset += PAGE) {
            List<Task> page = tasks.list(new TaskQuery(Set.of(), SchedulerRequest.RUN_TAG, null, TaskSort.CREATED_AT, false,
                    offset, PAGE)).items();
            for (Task t : page) {
                if (t.createdAt().isBefore(since)) break outer;
                if (t.startedAt() == null) count(c, t);
            }
            if (page.size() < PAGE) break;
        }
        ObjectNode o = Json.object();
        o.putObject("tasks").put("total_tasks", total).put("active_tasks", active).put("inactive_tasks", total - active);
        o.putObject("executions_24h").put("total_executions", c[0]).put("completed", c[1]).put("failed", c[2])
                .put("running", c[3]);
        o.put("timestamp", SchedulerJson.time(now, zone()));
        Respond.json(res, 200, o);
    }

    private static void count(long[] c, Task t) {
        c[0]++;
        switch (SchedulerJson.status(t)) {
            case "completed" -> c[1]++;
            case "failed" -> c[2]++;
            case "running" -> c[3]++;
            default -> { }
        }
    }

    /** Runs of this face waiting for a worker. */
    void queueStatus(ServerRequest req, ServerResponse res, Principal who) {
        long queued = tasks.list(new TaskQuery(Set.of(TaskStatus.QUEUED), SchedulerRequest.RUN_TAG, null, TaskSort.ID,
                false, 0, 1)).total();
        Respond.json(res, 200, Json.object().put("queue_length", queued).put("timestamp", SchedulerJson.time(clock.instant(), zone())));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private ObjectNode taskJson(Schedule s) {
        Instant next = s.nextRunAt();
        if (next == null && s.status() == ScheduleStatus.PAUSED) {
            List<Instant> n = schedules.preview(s.expression(), s.timezone(), 1);
            next = n.isEmpty() ? null : n.get(0);
        }
        return SchedulerJson.task(s, next, zone());
    }

    private void checkCron(String expression, String timezone, String asSent) {
        try {
            schedules.parse(expression, timezone);
        } catch (dev.coxswain.core.schedule.InvalidScheduleException e) {
            throw SchedulerError.badRequest("Некорректное cron выражение: " + asSent);
        }
    }

    private ZoneId zone() {
        return schedules.defaultZone();
    }

    private Schedule task(ServerRequest req) {
        Schedule s = ownSchedule(pathId(req, "task_id"));
        if (s == null) throw SchedulerError.taskNotFound();
        return s;
    }

    private Schedule ownSchedule(long id) {
        try {
            Schedule s = schedules.get(id);
            return SchedulerRequest.FACE.equals(s.face()) ? s : null;
        } catch (NotFoundException e) {
            return null;
        }
    }

    private static long pathId(ServerRequest req, String name) {
        Pydantic p = new Pydantic();
        Long id = p.intParam(req.path().pathParameters().get(name), List.of("path", name));
        p.throwIfAny();
        return id;
    }

    private static String query(ServerRequest req, String name) {
        return req.query().first(name).orElse(null);
    }

    private void cancelQuietly(long taskId) {
        try {
            tasks.cancel(taskId);
        } catch (ConflictException | NotFoundException e) {
            // finished meanwhile: nothing to cancel
        }
    }
}
