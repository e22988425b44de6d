package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.SchedulePatch;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.pganalysis.AnalysisExecutor;
import dev.coxswain.server.http.SecretMask;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code /api/schedules} bodies: the general recurring form — any task type with its
 * payload, time zone, misfire and overlap policy, priority, tags and retry policy.
 */
final class NativeScheduleRequest {
    static final String FACE = "native";

    private NativeScheduleRequest() {
    }

    static NewSchedule create(JsonNode body) {
        NativeFields r = new NativeFields(body);
        String name = r.requiredString("name", 200);
        String cron = r.requiredString("cron", 500);
        String timezone = r.optionalString("timezone", 100);
        String description = r.optionalString("description", 1 << 14);
        String type = r.optionalString("task_type", 100);
        JsonNode payload = payload(r, type == null ? "shell" : type, true);
        Integer priority = r.integer("priority", 1, 10);
        Integer maxRetries = r.integer("max_retries", 0, 100);
        String backoff = backoff(r);
        Integer timeout = r.integer("timeout_seconds", 1, 7 * 24 * 3600);
        List<String> tags = r.tags();
        MisfirePolicy misfire = misfire(r);
        OverlapPolicy overlap = overlap(r);
        Boolean paused = r.bool("paused");
        r.finish();
        return new NewSchedule(FACE, name, description, cron, timezone, type == null ? "shell" : type, payload,
                priority == null ? 5 : priority, tags == null ? List.of() : tags, maxRetries == null ? 3 : maxRetries,
                backoff == null ? Backoff.EXPONENTIAL : backoff, timeout == null ? 3600 : timeout,
                misfire == null ? MisfirePolicy.RUN_ONCE : misfire, overlap == null ? OverlapPolicy.FORBID : overlap,
                paused != null && paused);
    }

    static SchedulePatch patch(JsonNode body, Schedule cur) {
        NativeFields r = new NativeFields(body);
        String name = r.has("name") ? r.requiredString("name", 200) : null;
        String cron = r.has("cron") ? r.requiredString("cron", 500) : null;
        String timezone = r.optionalString("timezone", 100);
        String description = r.optionalString("description", 1 << 14);
        JsonNode payload = r.has("payload") ? SecretMask.unmask(payload(r, cur.taskType(), true), cur.payload()) : null;
        if (payload != null && payload.path("env").isObject()) {
            payload.path("env").fields().forEachRemaining(e -> {
                if (SecretMask.MASK.equals(e.getValue().asText())) {
                    r.error("payload.env", e.getKey() + " is masked but has no stored value");
                }
            });
        }
        Integer priority = r.integer("priority", 1, 10);
        Integer maxRetries = r.integer("max_retries", 0, 100);
        String backoff = backoff(r);
        Integer timeout = r.integer("timeout_seconds", 1, 7 * 24 * 3600);
        List<String> tags = r.tags();
        MisfirePolicy misfire = misfire(r);
        OverlapPolicy overlap = overlap(r);
        for (String fixed : List.of("task_type", "status", "id", "face")) {
            if (r.has(fixed)) r.errors.put(fixed, "cannot be changed by an update" + (fixed.equals("status") ? " (use pause/resume)" : ""));
        }
        r.finish();
        if (body.size() == 0) throw NativeError.validation(Map.of("body", "no updatable field given"));
        return new SchedulePatch(name, description, cron, timezone, payload, priority, tags, maxRetries, backoff, timeout,
                misfire, overlap, null);
    }

    /**
     * A shell payload needs a command; env values must be strings. An analysis payload needs a
     * connection, as the scheduler face's tasks have: a schedule of either face is changed here.
     */
    private static JsonNode payload(NativeFields r, String type, boolean required) {
        JsonNode p = r.body.get("payload");
        if (p == null || p.isNull()) {
            if (required) r.error("payload", "is required");
            return null;
        }
        if (!p.isObject()) {
            r.error("payload", "must be an object");
            return null;
        }
        if (type.equals("shell")) {
            JsonNode c = p.get("command");
            if (c == null || !c.isTextual() || c.asText().isBlank()) r.error("payload.command", "is required for shell tasks");
            else if (NativeFields.hasNul(c.asText())) r.error("payload.command", NativeFields.NUL_MESSAGE);
            JsonNode env = p.get("env");
            if (env != null && !env.isNull()) {
                if (!env.isObject()) r.error("payload.env", "must be an object of strings");
                else env.fields().forEachRemaining(e -> {
                    // What no process environment can hold: the run would fail, its error quoting the value.
                    if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0 || NativeFields.hasNul(e.getKey())) {
                        r.error("payload.env", "names must be non-empty and contain neither '=' nor NUL (U+0000)");
                    } else if (!e.getValue().isTextual()) {
                        r.error("payload.env", "values must be strings");
                    } else if (NativeFields.hasNul(e.getValue().textValue())) {
                        r.error("payload.env", "values " + NativeFields.NUL_MESSAGE);
                    }
                });
            }
            JsonNode wd = p.get("working_directory");
            if (wd != null && !wd.isNull() && !wd.isTextual()) r.error("payload.working_directory", "must be a string");
            else if (wd != null && wd.isTextual() && !new java.io.File(wd.asText()).isDirectory()) {
                r.error("payload.working_directory", "directory " + wd.asText() + " does not exist");
            }
        } else if (AnalysisExecutor.TYPES.contains(type)) {
            AnalysisExecutor.payloadProblems(p).forEach((field, problem) -> r.error("payload." + field, problem));
        } else if (!p.has("params")) {
            // A worker skill: the payload is what its handler gets, as a task's params.
            return dev.coxswain.core.Json.object().set("params", p);
        } else if (!p.get("params").isObject()) {
            r.error("payload.params", "must be an object");
        }
        return p;
    }

    private static String backoff(NativeFields r) {
        String b = r.optionalString("backoff", 40);
        if (b != null && !Backoff.valid(b)) {
            r.error("backoff", "must be exponential or fixed:<seconds>");
            return null;
        }
        return b;
    }

    private static MisfirePolicy misfire(NativeFields r) {
        String s = r.optionalString("misfire_policy", 20);
        if (s == null) return null;
        MisfirePolicy m = MisfirePolicy.fromWire(s);
        if (m == null) r.error("misfire_policy", "must be run_once, skip or run_all");
        return m;
    }

    private static OverlapPolicy overlap(NativeFields r) {
        String s = r.optionalString("overlap_policy", 20);
        if (s == null) return null;
        OverlapPolicy o = OverlapPolicy.fromWire(s);
        if (o == null) r.error("overlap_policy", "must be forbid, allow or replace");
        return o;
    }

    static ScheduleStatus status(String s) {
        return s == null ? null : ScheduleStatus.fromWire(s);
    }
}
