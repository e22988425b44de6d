package dev.coxswain.server.chadburn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.schedule.ScheduleService;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.core.service.IdempotencyService;
import dev.coxswain.server.face.FaceCreates;
import dev.coxswain.server.face.FaceGuard;
import dev.coxswain.server.face.FaceRoutes;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import dev.coxswain.server.http.RouteTable;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import static dev.coxswain.server.chadburn.ChadburnGuard.Access.READ;
import static dev.coxswain.server.chadburn.ChadburnGuard.Access.WRITE;

/**
 * The Chadburn face: the cron jobs API of {@code seeds/chadburn-jobs-api.md} at
 * {@code /api/v1/jobs}. A job is a schedule owned by this face; an execution is one of its runs
 * (a task), so executions show in {@code /api/tasks} too.
 */
public final class ChadburnApi {
    static final int DEFAULT_LIMIT = 100;
    static final int DEFAULT_EXEC_LIMIT = 10;

    private final ScheduleService schedules;
    private final Bodies bodies;
    private final FaceGuard<ChadburnError> guard;
    private final FaceCreates creates;

    public ChadburnApi(ScheduleService schedules, IdempotencyService idempotency, Gatekeeper gate, Bodies bodies) {
        this.schedules = schedules;
        this.bodies = bodies;
        this.guard = new FaceGuard<>("chadburn", gate, new ChadburnErrors(), FaceGuard.PreCheck.NONE);
        this.creates = new FaceCreates(idempotency, guard.errors());
    }

    public void register(RouteTable table) {
        new FaceRoutes(table, "chadburn", guard)
                .get("/api/v1/jobs", READ, this::list)
                .post("/api/v1/jobs", WRITE, this::create)
                .get("/api/v1/jobs/{id}", READ, this::get)
                .put("/api/v1/jobs/{id}", WRITE, this::update)
                .delete("/api/v1/jobs/{id}", WRITE, this::delete)
                .post("/api/v1/jobs/{id}/run", WRITE, this::run)
                .post("/api/v1/jobs/{id}/pause", WRITE, this::pause)
                .post("/api/v1/jobs/{id}/resume", WRITE, this::resume)
                .get("/api/v1/jobs/{id}/executions", READ, this::executions);
    }

    /**
     * Chadburn's 404 for the rest of {@code /api/v1}; registered apart, after the orchestrator's
     * blueprint endpoints, which are paths under {@code /api/v1} too.
     */
    public void registerFallback(RouteTable table) {
        new FaceRoutes(table, "chadburn", guard).fallback("/api/v1/*", guard.answer(ChadburnGuard::notFound));
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        ChadburnParams p = new ChadburnParams(req);
        int limit = p.integer("limit", DEFAULT_LIMIT, 1, ChadburnParams.MAX_LIMIT);
        int offset = p.integer("offset", 0, 0, Integer.MAX_VALUE);
        String s = p.string("status");
        ScheduleStatus status = s == null ? null : ScheduleStatus.fromWire(s);
        if (s != null && status == null) throw ChadburnError.validation("status must be active, paused or completed");
        Page<Schedule> page = schedules.list(ChadburnJobRequest.FACE, status, p.string("tag"), offset, limit);
        Respond.json(res, 200, ChadburnJson.page(page, ChadburnJson::job, limit, offset));
    }

    void create(ServerRequest req, ServerResponse res, Principal who) {
        var job = ChadburnJobRequest.create(bodies.readJson(req));
        creates.<Schedule>respond(req, res, who, then -> schedules.create(job, then),
                s -> FaceCreates.json(201, ChadburnJson.data(ChadburnJson.job(s))));
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        Schedule s = job(req);
        Respond.json(res, 200, ChadburnJson.data(ChadburnJson.jobDetail(s, schedules.lastRun(s.id()))));
    }

    void update(ServerRequest req, ServerResponse res, Principal who) {
        Schedule cur = job(req);
        Schedule s = schedules.update(cur.id(), ChadburnJobRequest.patch(bodies.readJson(req), cur));
        Respond.json(res, 200, ChadburnJson.data(ChadburnJson.job(s)));
    }

    void delete(ServerRequest req, ServerResponse res, Principal who) {
        schedules.delete(job(req).id());
        Respond.json(res, 200, ChadburnJson.data(Json.object().put("message", "Job deleted successfully")));
    }

    /** Runs now, whatever the schedule or state (paused too); does not wait for the run. */
    void run(ServerRequest req, ServerResponse res, Principal who) {
        long id = job(req).id();
        creates.<Task>respond(req, res, who, then -> schedules.runNow(id, then),
                t -> FaceCreates.json(200, ChadburnJson.data(Json.object().put("message", "Job triggered successfully")
                        .put("execution_id", ChadburnJson.EXEC + t.id()))));
    }

    void pause(ServerRequest req, ServerResponse res, Principal who) {
        Schedule s = job(req);
        if (s.status() == ScheduleStatus.COMPLETED) throw new ConflictException("job " + ChadburnJson.JOB + s.id() + " is completed");
        s = schedules.pause(s.id());
        Respond.json(res, 200, ChadburnJson.data(Json.object().put("message", "Job paused successfully")
                .put("id", ChadburnJson.JOB + s.id()).put("status", s.status().wire())));
    }

    void resume(ServerRequest req, ServerResponse res, Principal who) {
        Schedule s = job(req);
        if (s.status() == ScheduleStatus.COMPLETED) throw new ConflictException("job " + ChadburnJson.JOB + s.id() + " is completed");
        s = schedules.resume(s.id());
        ObjectNode d = Json.object().put("message", "Job resumed successfully").put("id", ChadburnJson.JOB + s.id())
                .put("status", s.status().wire()).put("next_run", ChadburnJson.time(s.nextRunAt()));
        Respond.json(res, 200, ChadburnJson.data(d));
    }

    void executions(ServerRequest req, ServerResponse res, Principal who) {
        Schedule s = job(req);
        ChadburnParams p = new ChadburnParams(req);
        int limit = p.integer("limit", DEFAULT_EXEC_LIMIT, 1, ChadburnParams.MAX_LIMIT);
        int offset = p.integer("offset", 0, 0, Integer.MAX_VALUE);
        String st = p.string("status");
        ScheduleRun.Outcome outcome = st == null ? null : switch (st) {
            case "success" -> ScheduleRun.Outcome.SUCCESS;
            case "failure" -> ScheduleRun.Outcome.FAILURE;
            case "in_progress" -> ScheduleRun.Outcome.IN_PROGRESS;
            case "skipped" -> ScheduleRun.Outcome.SKIPPED;
            default -> throw ChadburnError.validation("status must be success, failure, in_progress or skipped");
        };
        Page<ScheduleRun> page = schedules.runs(s.id(), outcome, offset, limit);
        Respond.json(res, 200, ChadburnJson.page(page, r -> ChadburnJson.execution(r, s.id()), limit, offset));
    }

    /** The job addressed by the path; a schedule of another face is "not found" here. */
    private Schedule job(ServerRequest req) {
        String raw = req.path().pathParameters().get("id");
        long id = -1;
        if (raw != null && raw.startsWith(ChadburnJson.JOB)) {
            try {
                id = Long.parseLong(raw.substring(ChadburnJson.JOB.length()));
            } catch (NumberFormatException e) {
                id = -1;
            }
        }
        if (id <= 0) throw ChadburnError.notFound("job " + raw + " not found");
        Schedule s;
        try {
            s = schedules.get(id);
        } catch (dev.coxswain.core.service.NotFoundException e) {
            throw ChadburnError.notFound("job " + raw + " not found");
        }
        if (!ChadburnJobRequest.FACE.equals(s.face())) throw ChadburnError.notFound("job " + raw + " not found");
        return s;
    }
}
