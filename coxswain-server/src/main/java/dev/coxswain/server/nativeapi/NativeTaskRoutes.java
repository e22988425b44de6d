package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskQuery;
import dev.coxswain.core.domain.TaskSort;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.server.face.FaceCreates;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Set;

/** {@code /api/tasks…}: the seed's task endpoints. */
final class NativeTaskRoutes {
    static final int DEFAULT_LOG_LIMIT = 100;
    static final int MAX_LOG_LIMIT = 1000;

    private final TaskService tasks;
    private final Bodies bodies;
    private final FaceCreates creates;

    private final dev.coxswain.core.service.WorkerService workers;

    NativeTaskRoutes(TaskService tasks, dev.coxswain.core.service.WorkerService workers, Bodies bodies, FaceCreates creates) {
        this.workers = workers;
        this.creates = creates;
        this.tasks = tasks;
        this.bodies = bodies;
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        Page<Task> page = tasks.list(query(p, null));
        int pg = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        var served = page.items().stream().anyMatch(t -> t.status() == dev.coxswain.core.domain.TaskStatus.QUEUED)
                ? workers.servedSkills() : java.util.Set.<String>of();
        Respond.json(res, 200, NativeJson.pageOf(page, t -> NativeJson.task(t, served), pg, limit));
    }

    /** The filters, sort and page of a task list; shared with the worker's task list. */
    static TaskQuery query(NativeParams p, String workerId) {
        String status = p.string("status");
        Set<TaskStatus> statuses = Set.of();
        if (status != null) {
            TaskStatus s = TaskStatus.fromWire(status);
            if (s == null) {
                throw NativeError.badParam("status", "status must be one of pending, queued, running, completed, failed, cancelled");
            }
            statuses = Set.of(s);
        }
        String sortName = p.string("sort");
        TaskSort sort = sortName == null ? TaskSort.CREATED_AT : TaskSort.fromWire(sortName);
        if (sort == null) {
            throw NativeError.badParam("sort", "sort must be one of created_at, updated_at, priority, scheduled_at,"
                    + " started_at, completed_at, name, status, id");
        }
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        return new TaskQuery(statuses, p.string("tag"), workerId, sort, p.ascending(),
                NativeParams.offset(page, limit), limit);
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        Task t = tasks.get(id(req));
        var served = t.status() == dev.coxswain.core.domain.TaskStatus.QUEUED ? workers.servedSkills() : java.util.Set.<String>of();
        Respond.json(res, 200, NativeJson.data(NativeJson.task(t, served)));
    }

    void create(ServerRequest req, ServerResponse res, Principal who) {
        JsonNode body = bodies.readJson(req);
        NativeGuard.requireToRun(who, NativeTaskRequest.type(body)); // shell: jobs:write; custom_sql: sql:custom
        var t = NativeTaskRequest.create(body);
        creates.<Task>respond(req, res, who, then -> tasks.create(t, then),
                made -> FaceCreates.json(201, NativeJson.data(NativeJson.task(made))));
    }

    void update(ServerRequest req, ServerResponse res, Principal who) {
        long id = id(req);
        JsonNode body = bodies.readJson(req);
        if (body.has("command")) NativeGuard.requireShell(who);
        Task t = tasks.update(id, NativeTaskRequest.patch(body));
        Respond.json(res, 200, NativeJson.data(NativeJson.task(t)));
    }

    void delete(ServerRequest req, ServerResponse res, Principal who) {
        tasks.delete(id(req));
        ObjectNode d = Json.object().put("success", true).put("message", "Task deleted successfully");
        Respond.json(res, 200, NativeJson.data(d));
    }

    void cancel(ServerRequest req, ServerResponse res, Principal who) {
        Task t = tasks.cancel(id(req));
        ObjectNode d = Json.object().put("id", NativeJson.taskId(t.id())).put("status", t.status().wire())
                .put("updated_at", NativeJson.time(t.updatedAt()));
        Respond.json(res, 200, NativeJson.data(d));
    }

    void retry(ServerRequest req, ServerResponse res, Principal who) {
        Task t = tasks.retry(id(req));
        ObjectNode d = Json.object().put("id", NativeJson.taskId(t.id())).put("status", t.status().wire())
                .put("retry_count", t.retryCount()).put("updated_at", NativeJson.time(t.updatedAt()));
        Respond.json(res, 200, NativeJson.data(d));
    }

    void logs(ServerRequest req, ServerResponse res, Principal who) {
        long id = id(req);
        NativeParams p = new NativeParams(req);
        int limit = p.limit(DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT);
        int offset = p.integer("offset", 0, 0);
        String levelName = p.string("level");
        LogLevel level = levelName == null ? null : LogLevel.fromWire(levelName);
        if (levelName != null && level == null) throw NativeError.badParam("level", "level must be one of info, error, warn, debug");
        Page<TaskLog> page = tasks.logs(id, level, offset, limit);
        ObjectNode body = Json.object();
        body.set("data", NativeJson.array(page.items().stream().map(NativeJson::log).toList()));
        body.putObject("meta").put("limit", limit).put("offset", offset).put("total", page.total());
        Respond.json(res, 200, body);
    }

    void checkpoint(ServerRequest req, ServerResponse res, Principal who) {
        long id = id(req);
        JsonNode body = bodies.readJson(req);
        if (!body.isObject()) throw NativeError.badRequest("request body must be a JSON object");
        JsonNode data = body.get("checkpoint_data");
        if (data == null || data.isNull()) throw NativeError.validation(Map.of("checkpoint_data", "is required"));
        if (!data.isObject()) throw NativeError.validation(Map.of("checkpoint_data", "must be a JSON object"));
        Task t = tasks.checkpoint(id, (ObjectNode) data);
        ObjectNode d = Json.object().put("id", NativeJson.taskId(t.id()));
        d.set("checkpoint_data", t.checkpointData());
        d.put("updated_at", NativeJson.time(t.updatedAt()));
        Respond.json(res, 200, NativeJson.data(d));
    }

    private static long id(ServerRequest req) {
        String raw = req.path().pathParameters().get("id");
        long id = NativeJson.parseTaskId(raw);
        if (id < 0) throw NativeError.notFound("task " + raw + " not found");
        return id;
    }
}
