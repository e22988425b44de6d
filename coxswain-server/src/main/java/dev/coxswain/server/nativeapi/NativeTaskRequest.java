package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.TaskPatch;
import dev.coxswain.core.engine.Backoff;
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
    static final int MAX_TAGS = 50;
    static final int MAX_DEPENDENCIES = 1000;
    static final String NUL_MESSAGE = "must not contain NUL (U+0000) characters";
    static final Instant MIN_TIME = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59Z");

    private final JsonNode body;
    private final Map<String, String> errors = new LinkedHashMap<>();

    private NativeTaskRequest(JsonNode body) {
        if (!body.isObject()) throw NativeError.badRequest("request body must be a JSON object");
        this.body = body;
    }

    static NewTask create(JsonNode body) {
        NativeTaskRequest r = new NativeTaskRequest(body);
        String name = r.requiredString("name", MAX_NAME);
        String command = r.requiredString("command", 1 << 16);
        String description = r.optionalString("description", 1 << 14);
        Integer priority = r.integer("priority", 1, 10);
        Integer maxRetries = r.integer("max_retries", 0, MAX_RETRIES_LIMIT);
        Instant scheduledAt = r.time("scheduled_at");
        Integer timeout = r.integer("timeout_seconds", 1, MAX_TIMEOUT_SECONDS);
        List<String> tags = r.tags();
        List<Long> deps = r.dependencies();
        Boolean checkpoint = r.bool("checkpoint_enabled");
        r.finish();
        return new NewTask("shell", name, description, Json.object().put("command", command),
                priority == null ? DEFAULT_PRIORITY : priority, maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries,
                Backoff.EXPONENTIAL, scheduledAt, timeout == null ? DEFAULT_TIMEOUT_SECONDS : timeout,
                tags == null ? List.of() : tags, deps == null ? List.of() : deps, checkpoint != null && checkpoint,
                "api", null);
    }

    static TaskPatch patch(JsonNode body) {
        NativeTaskRequest r = new NativeTaskRequest(body);
        String name = r.has("name") ? r.requiredString("name", MAX_NAME) : null;
        String description = r.optionalString("description", 1 << 14);
        Integer priority = r.integer("priority", 1, 10);
        Integer maxRetries = r.integer("max_retries", 0, MAX_RETRIES_LIMIT);
        boolean scheduledSet = r.has("scheduled_at");
        Instant scheduledAt = r.time("scheduled_at");
        Integer timeout = r.integer("timeout_seconds", 1, MAX_TIMEOUT_SECONDS);
        List<String> tags = r.tags();
        List<Long> deps = r.dependencies();
        for (String fixed : List.of("command", "checkpoint_enabled", "status", "id")) {
            if (r.has(fixed)) r.errors.put(fixed, "cannot be changed by an update");
        }
        r.finish();
        TaskPatch p = new TaskPatch(name, description, priority, maxRetries, scheduledSet, scheduledAt, timeout, tags, deps);
        if (p.empty()) throw NativeError.validation(Map.of("body", "no updatable field given"));
        return p;
    }

    private void finish() {
        if (!errors.isEmpty()) throw NativeError.validation(errors);
    }

    private boolean has(String f) {
        return body.has(f);
    }

    private String requiredString(String f, int max) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) {
            errors.put(f, "is required");
            return null;
        }
        if (!v.isTextual()) {
            errors.put(f, "must be a string");
            return null;
        }
        if (v.asText().isBlank()) {
            errors.put(f, "must not be empty");
            return null;
        }
        if (v.asText().length() > max) {
            errors.put(f, "must be at most " + max + " characters");
            return null;
        }
        if (hasNul(v.asText())) {
            errors.put(f, NUL_MESSAGE);
            return null;
        }
        return v.asText();
    }

    private String optionalString(String f, int max) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            errors.put(f, "must be a string");
            return null;
        }
        if (v.asText().length() > max) {
            errors.put(f, "must be at most " + max + " characters");
            return null;
        }
        if (hasNul(v.asText())) {
            errors.put(f, NUL_MESSAGE);
            return null;
        }
        return v.asText();
    }

    /** PostgreSQL text cannot hold U+0000, so no store accepts it (the same answer on both). */
    static boolean hasNul(String s) {
        return s.indexOf('\u0000') >= 0;
    }

    private Integer integer(String f, int min, int max) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            errors.put(f, "must be an integer");
            return null;
        }
        int i = v.asInt();
        if (i < min || i > max) {
            errors.put(f, "must be between " + min + " and " + max);
            return null;
        }
        return i;
    }

    private Boolean bool(String f) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) {
            errors.put(f, "must be a boolean");
            return null;
        }
        return v.asBoolean();
    }

    private Instant time(String f) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            errors.put(f, "must be an ISO 8601 timestamp string");
            return null;
        }
        try {
            Instant t = OffsetDateTime.parse(v.asText()).toInstant();
            // The store keeps epoch milliseconds; years beyond four digits would overflow them.
            if (t.isBefore(MIN_TIME) || t.isAfter(MAX_TIME)) {
                errors.put(f, "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
                return null;
            }
            return t;
        } catch (DateTimeParseException e) {
            errors.put(f, "must be an ISO 8601 timestamp with a time zone, e.g. 2023-06-15T12:00:00Z");
            return null;
        }
    }

    private List<String> tags() {
        JsonNode v = body.get("tags");
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) {
            errors.put("tags", "must be an array of strings");
            return null;
        }
        if (v.size() > MAX_TAGS) {
            errors.put("tags", "at most " + MAX_TAGS + " tags");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode t : v) {
            if (!t.isTextual() || t.asText().isBlank() || t.asText().length() > 100) {
                errors.put("tags", "must be an array of non-empty strings of at most 100 characters");
                return null;
            }
            if (hasNul(t.asText())) {
                errors.put("tags", NUL_MESSAGE);
                return null;
            }
            if (!out.contains(t.asText())) out.add(t.asText());
        }
        return out;
    }

    private List<Long> dependencies() {
        JsonNode v = body.get("dependencies");
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) {
            errors.put("dependencies", "must be an array of task ids");
            return null;
        }
        if (v.size() > MAX_DEPENDENCIES) {
            errors.put("dependencies", "at most " + MAX_DEPENDENCIES + " dependencies");
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
            errors.put("dependencies", "unknown task " + String.join(", ", bad));
            return null;
        }
        return out;
    }
}
