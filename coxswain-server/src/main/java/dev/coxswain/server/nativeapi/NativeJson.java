package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.Worker;
import dev.coxswain.core.store.ScheduleStore;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Renders core objects in the native API's shapes: {@code task-<n>} ids, RFC 3339 UTC times. */
final class NativeJson {
    static final String TASK_PREFIX = "task-";

    private NativeJson() {
    }

    static String taskId(long id) {
        return TASK_PREFIX + id;
    }

    /** @return the numeric id of {@code task-<n>}, or -1 when the text is not a task id */
    static long parseTaskId(String s) {
        if (s == null || !s.startsWith(TASK_PREFIX)) return -1;
        try {
            long v = Long.parseLong(s.substring(TASK_PREFIX.length()));
            return v > 0 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String time(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Built-in types, whose result is text (shell output, an analysis report); a worker skill's is its JSON data. */
    static boolean builtIn(String type) {
        return type.equals("shell") || dev.coxswain.core.pganalysis.AnalysisExecutor.TYPES.contains(type);
    }

    /**
     * A task, with {@code waiting_for_worker}: queued while no live worker serves its type
     * ({@code served}: the skills live workers serve now; null when not known, then false).
     */
    static ObjectNode task(Task t, java.util.Set<String> served) {
        ObjectNode n = task(t);
        n.put("waiting_for_worker", served != null && t.status() == dev.coxswain.core.domain.TaskStatus.QUEUED
                && !served.contains(t.type()));
        return n;
    }

    static ObjectNode task(Task t) {
        ObjectNode n = Json.object();
        n.put("id", taskId(t.id()));
        n.put("name", t.name());
        n.put("description", t.description());
        JsonNode cmd = t.payload() == null ? null : t.payload().get("command");
        n.put("command", cmd == null || cmd.isNull() ? null : cmd.asText());
        n.put("type", t.type());
        n.put("status", t.status().wire());
        n.put("priority", t.priority());
        n.put("retry_count", t.retryCount());
        n.put("max_retries", t.maxRetries());
        n.put("created_at", time(t.createdAt()));
        n.put("updated_at", time(t.updatedAt()));
        n.put("scheduled_at", time(t.scheduledAt()));
        n.put("started_at", time(t.startedAt()));
        n.put("completed_at", time(t.completedAt()));
        n.put("timeout_seconds", t.timeoutSeconds());
        ArrayNode tags = n.putArray("tags");
        t.tags().forEach(tags::add);
        ArrayNode deps = n.putArray("dependencies");
        t.dependencies().forEach(d -> deps.add(taskId(d)));
        if (!builtIn(t.type())) n.set("params", t.params() == null ? Json.object() : t.params());
        // A shell task may name requirements too (it then runs on a remote worker that meets them).
        if (t.requirements() != null) n.set("requirements", t.requirements());
        n.put("worker_id", t.workerId());
        if (!builtIn(t.type()) && t.result() != null) n.set("result", readJson(t.result()));
        else n.put("result", t.result());
        n.put("error", t.error());
        n.put("error_code", t.errorCode());
        if (t.progress() != null || t.progressMessage() != null) {
            ObjectNode pr = n.putObject("progress");
            if (t.progress() == null) pr.putNull("value");
            else pr.put("value", t.progress());
            pr.put("message", t.progressMessage());
        }
        if (t.exitCode() == null) n.putNull("exit_code");
        else n.put("exit_code", t.exitCode());
        n.set("checkpoint_data", t.checkpointData());
        n.put("checkpoint_enabled", t.checkpointEnabled());
        if (t.originKind() != null) {
            ObjectNode o = n.putObject("origin");
            o.put("kind", t.originKind());
            // A schedule's run names it the way this API does, so a client can follow it to /api/schedules/{id}.
            o.put("id", ScheduleStore.ORIGIN.equals(t.originKind()) && t.originId() != null
                    ? NativeScheduleRoutes.PREFIX + t.originId() : t.originId());
        }
        return n;
    }

    /** A worker's result text as JSON (text that is not JSON, written by an older version, stays text). */
    private static JsonNode readJson(String text) {
        try {
            return Json.read(text);
        } catch (RuntimeException e) {
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }

    static ObjectNode workerTaskItem(Task t) {
        ObjectNode n = Json.object();
        n.put("id", taskId(t.id()));
        n.put("name", t.name());
        n.put("status", t.status().wire());
        n.put("started_at", time(t.startedAt()));
        n.put("priority", t.priority());
        return n;
    }

    static ObjectNode worker(Worker w, boolean detail) {
        ObjectNode n = Json.object();
        n.put("id", w.id());
        n.put("hostname", w.hostname());
        n.put("status", w.status().wire());
        n.put("tasks_completed", w.tasksCompleted());
        n.put("tasks_failed", w.tasksFailed());
        n.put("current_tasks", w.currentTaskIds().size());
        if (detail) {
            ArrayNode ids = n.putArray("current_task_ids");
            w.currentTaskIds().forEach(id -> ids.add(taskId(id)));
        }
        n.put("last_heartbeat", time(w.lastHeartbeat()));
        n.put("registered_at", time(w.registeredAt()));
        n.put("version", w.version());
        ArrayNode tags = n.putArray("tags");
        w.tags().forEach(tags::add);
        if (detail) {
            ObjectNode r = n.putObject("resources");
            Worker.Resources res = w.resources();
            putFraction(r, "cpu_usage", res == null ? null : res.cpuUsage());
            putFraction(r, "memory_usage", res == null ? null : res.memoryUsage());
            putFraction(r, "disk_usage", res == null ? null : res.diskUsage());
            n.put("capacity", w.capacity());
            n.put("kind", w.kind());
            n.set("skills", w.skills() != null && w.skills().isArray() ? w.skills() : Json.MAPPER.createArrayNode());
            reported(n, w.info());
        } else {
            n.put("kind", w.kind());
            ArrayNode names = n.putArray("skills");
            if (w.skills() != null) for (JsonNode s : w.skills()) if (s.path("name").isTextual()) names.add(s.get("name").asText());
        }
        return n;
    }

    /**
     * What a remote worker reported about itself at registration and since (its last heartbeat
     * wins, field by field); the local worker reports nothing, so it shows the empty forms.
     */
    private static void reported(ObjectNode n, JsonNode info) {
        JsonNode i = info == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : info;
        JsonNode type = i.path("worker_type");
        n.put("worker_type", type.isTextual() ? type.asText() : null);
        JsonNode resources = i.path("resources");
        JsonNode devices = resources.path("devices");
        n.set("devices", devices.isArray() ? devices : Json.MAPPER.createArrayNode());
        n.set("reported_resources", resources.isObject() ? resources : Json.object());
        n.set("installed_software", i.path("installed_software").isObject() ? i.get("installed_software") : Json.object());
        n.set("capabilities", i.path("capabilities").isObject() ? i.get("capabilities") : Json.object());
        if (i.path("usage").isObject()) n.set("usage", i.get("usage"));
        JsonNode status = i.path("status");
        n.put("reported_status", status.isTextual() ? status.asText() : null);
    }

    private static void putFraction(ObjectNode n, String k, Double v) {
        if (v == null) n.putNull(k);
        else n.put(k, v);
    }

    static ObjectNode log(TaskLog l) {
        ObjectNode n = Json.object();
        n.put("timestamp", time(l.timestamp()));
        n.put("level", l.level().wire());
        n.put("message", l.message());
        return n;
    }

    static ObjectNode data(JsonNode data) {
        ObjectNode n = Json.object();
        n.set("data", data);
        return n;
    }

    static <T> ObjectNode pageOf(Page<T> p, java.util.function.Function<T, ? extends JsonNode> render, int page, int limit) {
        ObjectNode n = Json.object();
        ArrayNode items = n.putArray("data");
        for (T t : p.items()) items.add(render.apply(t));
        ObjectNode meta = n.putObject("meta");
        meta.put("page", page);
        meta.put("limit", limit);
        meta.put("total", p.total());
        meta.put("pages", (p.total() + limit - 1) / limit);
        return n;
    }

    static ArrayNode array(List<? extends JsonNode> nodes) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        nodes.forEach(a::add);
        return a;
    }
}
