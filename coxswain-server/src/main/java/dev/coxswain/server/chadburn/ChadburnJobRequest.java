package dev.coxswain.server.chadburn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.SchedulePatch;
import dev.coxswain.core.domain.ScheduleStatus;
import java.io.File;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns Chadburn job bodies into core schedules. A job is a schedule of {@code shell} tasks whose
 * payload is {@code {"command", "env", "working_directory"}}; {@code retries} × {@code retry_delay}
 * are the task's retry policy ({@code fixed:<delay>}), so all attempts live in one execution.
 */
final class ChadburnJobRequest {
    static final String FACE = "chadburn";
    static final String MASK = "******";
    static final int DEFAULT_TIMEOUT = 3600;
    static final int DEFAULT_RETRY_DELAY = 60;

    private ChadburnJobRequest() {
    }

    static NewSchedule create(JsonNode b) {
        object(b);
        String name = text(b, "name", true);
        String schedule = text(b, "schedule", true);
        String command = text(b, "command", true);
        if (name.isBlank()) throw ChadburnError.validation("name must not be empty");
        if (command.isBlank()) throw ChadburnError.validation("command must not be empty");
        if (schedule.isBlank()) throw ChadburnError.invalidSchedule("schedule must not be empty");
        int timeout = integer(b, "timeout", DEFAULT_TIMEOUT, 1, 604_800);
        int retries = integer(b, "retries", 0, 0, 100);
        int delay = integer(b, "retry_delay", DEFAULT_RETRY_DELAY, 0, 86_400);
        Map<String, String> env = environment(b.get("environment"), Map.of());
        String wd = workingDirectory(b);
        boolean overlap = bool(b, "allow_overlapping", false);
        String status = text(b, "status", false);
        boolean paused = status != null && parseStatus(status) == ScheduleStatus.PAUSED;
        return new NewSchedule(FACE, name, null, schedule, text(b, "timezone", false), "shell", payload(command, env, wd),
                5, tags(b), retries, "fixed:" + delay, timeout, MisfirePolicy.RUN_ONCE,
                overlap ? OverlapPolicy.ALLOW : OverlapPolicy.FORBID, paused);
    }

    /** A PUT: only the fields present change; an environment value of {@code ******} keeps the stored one. */
    static SchedulePatch patch(JsonNode b, Schedule cur) {
        object(b);
        String name = text(b, "name", false);
        if (name != null && name.isBlank()) throw ChadburnError.validation("name must not be empty");
        String schedule = text(b, "schedule", false);
        if (schedule != null && schedule.isBlank()) throw ChadburnError.invalidSchedule("schedule must not be empty");
        JsonNode p = cur.payload();
        String command = text(b, "command", false);
        if (command != null && command.isBlank()) throw ChadburnError.validation("command must not be empty");
        boolean payloadChanges = command != null || b.has("environment") || b.has("working_directory");
        ObjectNode payload = null;
        if (payloadChanges) {
            Map<String, String> stored = storedEnv(p);
            Map<String, String> env = b.has("environment") ? environment(b.get("environment"), stored) : stored;
            String wd = b.has("working_directory") ? workingDirectory(b) : p.path("working_directory").textValue();
            payload = payload(command != null ? command : p.path("command").asText(), env, wd);
        }
        Integer timeout = b.has("timeout") ? integer(b, "timeout", DEFAULT_TIMEOUT, 1, 604_800) : null;
        Integer retries = b.has("retries") ? integer(b, "retries", 0, 0, 100) : null;
        String backoff = b.has("retry_delay") ? "fixed:" + integer(b, "retry_delay", DEFAULT_RETRY_DELAY, 0, 86_400) : null;
        OverlapPolicy overlap = b.has("allow_overlapping")
                ? (bool(b, "allow_overlapping", false) ? OverlapPolicy.ALLOW : OverlapPolicy.FORBID) : null;
        String status = text(b, "status", false);
        return new SchedulePatch(name, null, schedule, text(b, "timezone", false), payload, null,
                b.has("tags") ? tags(b) : null, retries, backoff, timeout, null, overlap,
                status == null ? null : parseStatus(status));
    }

    static Map<String, String> storedEnv(JsonNode payload) {
        Map<String, String> m = new LinkedHashMap<>();
        JsonNode env = payload.get("env");
        if (env != null && env.isObject()) env.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static ObjectNode payload(String command, Map<String, String> env, String wd) {
        ObjectNode p = Json.object().put("command", command);
        if (!env.isEmpty()) {
            ObjectNode e = p.putObject("env");
            env.forEach(e::put);
        }
        if (wd != null) p.put("working_directory", wd);
        return p;
    }

    private static ScheduleStatus parseStatus(String s) {
        return switch (s) {
            case "active" -> ScheduleStatus.ACTIVE;
            case "paused" -> ScheduleStatus.PAUSED;
            default -> throw ChadburnError.validation("status must be active or paused");
        };
    }

    private static void object(JsonNode b) {
        if (b == null || !b.isObject()) throw ChadburnError.validation("request body must be a JSON object");
    }

    private static String text(JsonNode b, String field, boolean required) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            if (required) throw ChadburnError.validation(field + " is required");
            return null;
        }
        if (!v.isTextual()) throw ChadburnError.validation(field + " must be a string");
        if (v.textValue().indexOf('\u0000') >= 0) throw ChadburnError.validation(field + " must not contain NUL characters");
        return v.textValue();
    }

    private static int integer(JsonNode b, String field, int dflt, int min, int max) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw ChadburnError.validation(field + " must be an integer");
        int i = v.intValue();
        if (i < min || i > max) throw ChadburnError.validation(field + " must be between " + min + " and " + max);
        return i;
    }

    private static boolean bool(JsonNode b, String field, boolean dflt) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw ChadburnError.validation(field + " must be a boolean");
        return v.booleanValue();
    }

    private static List<String> tags(JsonNode b) {
        JsonNode v = b.get("tags");
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw ChadburnError.validation("tags must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode t : v) {
            if (!t.isTextual() || t.textValue().isBlank()) throw ChadburnError.validation("tags must be an array of non-empty strings");
            // A run's tags are rows of text, which PostgreSQL cannot store with U+0000 (the run would fail with a 500).
            if (t.textValue().indexOf('\u0000') >= 0) throw ChadburnError.validation("tags must not contain NUL characters");
            if (!out.contains(t.textValue())) out.add(t.textValue());
        }
        return out;
    }

    /** Environment names are what a shell accepts; {@code ******} keeps the stored value of that name. */
    private static Map<String, String> environment(JsonNode v, Map<String, String> stored) {
        if (v == null || v.isNull()) return Map.of();
        if (!v.isObject()) throw ChadburnError.validation("environment must be an object of string values");
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw ChadburnError.validation("environment name '" + e.getKey() + "' is not a valid variable name");
            }
            if (!e.getValue().isTextual()) throw ChadburnError.validation("environment." + e.getKey() + " must be a string");
            String value = e.getValue().textValue();
            // No process environment can hold U+0000; the run would fail, its error quoting the value.
            if (value.indexOf('\u0000') >= 0) throw ChadburnError.validation("environment." + e.getKey() + " must not contain NUL characters");
            if (MASK.equals(value)) {
                if (!stored.containsKey(e.getKey())) {
                    throw ChadburnError.validation("environment." + e.getKey() + " is masked but has no stored value");
                }
                value = stored.get(e.getKey());
            }
            out.put(e.getKey(), value);
        }
        return out;
    }

    private static String workingDirectory(JsonNode b) {
        String wd = text(b, "working_directory", false);
        if (wd == null || wd.isBlank()) return null;
        if (!new File(wd).isDirectory()) throw ChadburnError.validation("working_directory " + wd + " does not exist");
        return wd;
    }
}
