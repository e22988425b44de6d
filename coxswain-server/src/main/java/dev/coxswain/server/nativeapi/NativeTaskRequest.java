package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.TaskPatch;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.pganalysis.AnalysisExecutor;
import dev.coxswain.core.remote.Requirements;
import dev.coxswain.core.remote.RemoteWorkers;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the native API's task bodies into core requests, collecting every field problem so one
 * 422 lists them all. Types are strict: {@code "priority": "5"} is a type error, not a 5.
 */
final class NativeTaskRequest {
    static final int DEFAULT_PRIORITY = 5;
    static final int DEFAULT_MAX_RETRIES = 3;
    static final int DEFAULT_TIMEOUT_SECONDS = 3600;
    /** Bounds that keep a typo from parking a task for years or retrying it forever. */
    static final int MAX_RETRIES_LIMIT = 100;
    static final int MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
    static final int MAX_NAME = 255;
    static final int MAX_DEPENDENCIES = 1000;

    private NativeTaskRequest() {
    }

    static boolean hasNul(String s) {
        return NativeFields.hasNul(s);
    }

    /** The task type a create body asks for ({@code shell} when absent), before the rest is read. */
    static String type(JsonNode body) {
        JsonNode t = body == null ? null : body.get("type");
        return t != null && t.isTextual() ? t.asText() : "shell";
    }

    static NewTask create(JsonNode body) {
        NativeFields r = new NativeFields(body);
        String name = r.requiredString("name", MAX_NAME);
        String type = r.optionalString("type", 128);
        if (type == null) type = "shell";
        JsonNode payload = payload(r, type);
        String description = r.optionalString("description", 1 << 14);
        Integer priority = r.integer("priority", 1, 10);
        Integer maxRetries = r.integer("max_retries", 0, MAX_RETRIES_LIMIT);
        Instant scheduledAt = r.time("scheduled_at");
        Integer timeout = r.integer("timeout_seconds", 1, MAX_TIMEOUT_SECONDS);
        List<String> tags = r.tags();
        List<Long> deps = dependencies(r);
        Boolean checkpoint = r.bool("checkpoint_enabled");
        r.finish();
        return new NewTask(type, name, description, payload,
                priority == null ? DEFAULT_PRIORITY : priority, maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries,
                Backoff.EXPONENTIAL, scheduledAt, timeout == null ? DEFAULT_TIMEOUT_SECONDS : timeout,
                tags == null ? List.of() : tags, deps == null ? List.of() : deps, checkpoint != null && checkpoint,
                "api", null);
    }

    /**
     * The payload for the task's type: {@code shell} takes {@code command}; an analysis
     * ({@code config_check} …) takes {@code params} with its {@code connection_id}; any other type
     * is a skill some remote worker advertises, and takes {@code params} (what its handler gets)
     * and optional {@code requirements} (which workers may run it).
     */
    private static JsonNode payload(NativeFields r, String type) {
        JsonNode params = r.body.get("params");
        JsonNode requirements = r.body.get("requirements");
        if (type.equals("shell")) {
            String command = r.requiredString("command", 1 << 16);
            if (params != null && !params.isNull()) r.error("params", "shell tasks take a command, not params");
            ObjectNode p = Json.object().put("command", command);
            requirements(r, requirements, p);
            return p;
        }
        if (r.has("command")) r.error("command", "only shell tasks take a command; a " + type + " task takes params");
        if (params != null && !params.isNull() && !params.isObject()) {
            r.error("params", "must be an object");
            params = null;
        }
        if (AnalysisExecutor.TYPES.contains(type)) {
            ObjectNode p = Json.object();
            if (params == null || params.isNull()) {
                r.error("params", "is required: {\"connection_id\": <id>, …analysis parameters}");
                return p;
            }
            ObjectNode rest = ((ObjectNode) params).deepCopy();
            JsonNode conn = rest.remove("connection_id");
            if (conn != null) p.set("connection_id", conn);
            p.set("params", rest);
            AnalysisExecutor.payloadProblems(p).forEach((field, problem) -> r.error("params." + field, problem));
            if (requirements != null && !requirements.isNull()) r.error("requirements", "analyses run on the built-in worker");
            return p;
        }
        if (!RemoteWorkers.IDENTIFIER.matcher(type).matches()) {
            r.error("type", "must be shell, an analysis, or a worker skill name matching ^[a-zA-Z0-9_-]+$");
        }
        ObjectNode p = Json.object();
        p.set("params", params == null || params.isNull() ? Json.object() : params);
        requirements(r, requirements, p);
        return p;
    }

    private static void requirements(NativeFields r, JsonNode req, ObjectNode payload) {
        if (req == null || req.isNull()) return;
        String problem = Requirements.problem(req);
        if (problem != null) r.error("requirements", problem);
        else payload.set("requirements", req);
    }

    static TaskPatch patch(JsonNode body) {
        NativeFields r = new NativeFields(body);
        String name = r.has("name") ? r.requiredString("name", MAX_NAME) : null;
        String description = r.optionalString("description", 1 << 14);
        Integer priority = r.integer("priority", 1, 10);
        Integer maxRetries = r.integer("max_retries", 0, MAX_RETRIES_LIMIT);
        boolean scheduledSet = r.has("scheduled_at");
        Instant scheduledAt = r.time("scheduled_at");
        Integer timeout = r.integer("timeout_seconds", 1, MAX_TIMEOUT_SECONDS);
        List<String> tags = r.tags();
        List<Long> deps = dependencies(r);
        for (String fixed : List.of("command", "checkpoint_enabled", "status", "id", "type", "params", "requirements")) {
            if (r.has(fixed)) r.errors.put(fixed, "cannot be changed by an update");
        }
        r.finish();
        TaskPatch p = new TaskPatch(name, description, priority, maxRetries, scheduledSet, scheduledAt, timeout, tags, deps);
        if (p.empty()) throw NativeError.validation(Map.of("body", "no updatable field given"));
        return p;
    }

    private static List<Long> dependencies(NativeFields r) {
        JsonNode v = r.body.get("dependencies");
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) {
            r.errors.put("dependencies", "must be an array of task ids");
            return null;
        }
        if (v.size() > MAX_DEPENDENCIES) {
            r.errors.put("dependencies", "at most " + MAX_DEPENDENCIES + " dependencies");
            return null;
        }
        List<Long> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (JsonNode d : v) {
            long id = d.isTextual() ? NativeJson.parseTaskId(d.asText()) : -1;
            if (id < 0) bad.add(d.isTextual() ? d.asText() : d.toString());
            else if (!out.contains(id)) out.add(id);
        }
        if (!bad.isEmpty()) {
            r.errors.put("dependencies", "unknown task " + String.join(", ", bad));
            return null;
        }
        return out;
    }
}
