package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.schedule.ScheduleService;
import dev.coxswain.server.face.FaceCreates;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import dev.coxswain.server.http.SecretMask;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.List;

/**
 * {@code /api/schedules}: every face's schedules in the native envelope (Chadburn jobs included,
 * with {@code face: "chadburn"}), the general recurring form for any task type, and
 * {@code POST /api/schedules/validate}.
 */
final class NativeScheduleRoutes {
    static final String PREFIX = "sch-";
    static final int PREVIEW = 5;
    static final int MAX_PREVIEW = 100;

    private final ScheduleService schedules;
    private final Bodies bodies;
    private final FaceCreates creates;

    NativeScheduleRoutes(ScheduleService schedules, Bodies bodies, FaceCreates creates) {
        this.creates = creates;
        this.schedules = schedules;
        this.bodies = bodies;
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        String st = p.string("status");
        ScheduleStatus status = NativeScheduleRequest.status(st);
        if (st != null && status == null) throw NativeError.badParam("status", "status must be one of active, paused, completed");
        Page<Schedule> result = schedules.list(p.string("face"), status, p.string("tag"), NativeParams.offset(page, limit), limit);
        Respond.json(res, 200, NativeJson.pageOf(result, NativeScheduleRoutes::schedule, page, limit));
    }

    void create(ServerRequest req, ServerResponse res, Principal who) {
        var s = NativeScheduleRequest.create(bodies.readJson(req));
        NativeGuard.requireToRun(who, s.taskType());
        creates.<Schedule>respond(req, res, who, then -> schedules.create(s, then),
                made -> FaceCreates.json(201, NativeJson.data(schedule(made))));
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(schedule(schedules.get(id(req)))));
    }

    void update(ServerRequest req, ServerResponse res, Principal who) {
        Schedule cur = schedules.get(id(req));
        JsonNode body = bodies.readJson(req);
        var patch = NativeScheduleRequest.patch(body, cur);
        if (patch.payload() != null) NativeGuard.requireToRun(who, cur.taskType());
        Respond.json(res, 200, NativeJson.data(schedule(schedules.update(cur.id(), patch))));
    }

    void delete(ServerRequest req, ServerResponse res, Principal who) {
        schedules.delete(id(req));
        Respond.json(res, 200, NativeJson.data(Json.object().put("success", true).put("message", "Schedule deleted successfully")));
    }

    void pause(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(schedule(schedules.pause(id(req)))));
    }

    void resume(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(schedule(schedules.resume(id(req)))));
    }

    /** Runs it now, outside its schedule; the run is a task like any other. */
    void run(ServerRequest req, ServerResponse res, Principal who) {
        Schedule s = schedules.get(id(req));
        NativeGuard.requireToRun(who, s.taskType());
        creates.<Task>respond(req, res, who, then -> schedules.runNow(s.id(), then),
                t -> FaceCreates.json(201, NativeJson.data(NativeJson.task(t))));
    }

    void runs(ServerRequest req, ServerResponse res, Principal who) {
        long id = id(req);
        NativeParams p = new NativeParams(req);
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        Page<ScheduleRun> result = schedules.runs(id, null, NativeParams.offset(page, limit), limit);
        Respond.json(res, 200, NativeJson.pageOf(result, r -> {
            ObjectNode n = NativeJson.task(r.task());
            n.put("slot_at", NativeJson.time(r.slotAt()));
            n.put("skipped", r.skipped());
            return n;
        }, page, limit));
    }

    /** The next fire times of an expression, or a 422 that says what is wrong with it. */
    void validate(ServerRequest req, ServerResponse res, Principal who) {
        NativeFields r = new NativeFields(bodies.readJson(req));
        String cron = r.requiredString("cron", 500);
        String tz = r.optionalString("timezone", 100);
        // A chosen instant lets a user see the firings around a daylight-saving change before it comes.
        Instant from = r.time("from");
        Integer count = r.integer("count", 1, MAX_PREVIEW);
        r.finish();
        List<Instant> next = schedules.preview(cron, tz, from, count == null ? PREVIEW : count);
        ObjectNode d = Json.object().put("valid", true).put("cron", cron)
                .put("timezone", tz == null ? schedules.defaultZone().getId() : tz);
        if (from != null) d.put("from", NativeJson.time(from));
        d.set("next_runs", Json.MAPPER.valueToTree(next.stream().map(NativeJson::time).toList()));
        Respond.json(res, 200, NativeJson.data(d));
    }

    static ObjectNode schedule(Schedule s) {
        ObjectNode n = Json.object();
        n.put("id", PREFIX + s.id());
        n.put("face", s.face());
        n.put("name", s.name());
        n.put("description", s.description());
        n.put("cron", s.expression());
        n.put("timezone", s.timezone());
        n.put("task_type", s.taskType());
        n.set("payload", SecretMask.mask(s.payload()));
        n.put("priority", s.priority());
        n.set("tags", Json.MAPPER.valueToTree(s.tags()));
        n.put("max_retries", s.maxRetries());
        n.put("backoff", s.backoff());
        n.put("timeout_seconds", s.timeoutSeconds());
        n.put("misfire_policy", s.misfire().wire());
        n.put("overlap_policy", s.overlap().wire());
        n.put("status", s.status().wire());
        n.put("next_run_at", NativeJson.time(s.nextRunAt()));
        n.put("last_slot_at", NativeJson.time(s.lastSlotAt()));
        n.put("last_task_id", s.lastTaskId() == null ? null : NativeJson.taskId(s.lastTaskId()));
        n.put("created_at", NativeJson.time(s.createdAt()));
        n.put("updated_at", NativeJson.time(s.updatedAt()));
        return n;
    }

    private static long id(ServerRequest req) {
        return NativeFields.pathId(req, PREFIX, "schedule");
    }
}
