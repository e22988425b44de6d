package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.NewTask;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads fields of a native request body, collecting every problem so one 422 lists them all.
 * Types are strict: {@code "priority": "5"} is a type error, not a 5.
 */
final class NativeFields {
    static final int MAX_TAGS = 50;
    static final String NUL_MESSAGE = "must not contain NUL (U+0000) characters";

    final JsonNode body;
    final Map<String, String> errors = new LinkedHashMap<>();

    NativeFields(JsonNode body) {
        if (!body.isObject()) throw NativeError.badRequest("request body must be a JSON object");
        this.body = body;
    }

    /** Records a problem with a field (the first one per field wins). */
    void error(String field, String problem) {
        errors.putIfAbsent(field, problem);
    }

    void finish() {
        if (!errors.isEmpty()) throw NativeError.validation(errors);
    }

    boolean has(String f) {
        return body.has(f);
    }

    String requiredString(String f, int max) {
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

    String optionalString(String f, int max) {
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

    Integer integer(String f, int min, int max) {
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

    Boolean bool(String f) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) {
            errors.put(f, "must be a boolean");
            return null;
        }
        return v.asBoolean();
    }

    Instant time(String f) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            errors.put(f, "must be an ISO 8601 timestamp string");
            return null;
        }
        try {
            Instant t = OffsetDateTime.parse(v.asText()).toInstant();
            // The range is core's (TaskService checks it for every face); checked here too so one
            // 422 lists it with the body's other problems.
            String problem = NewTask.scheduledAtProblem(t);
            if (problem != null) {
                errors.put(f, problem);
                return null;
            }
            return t;
        } catch (DateTimeParseException e) {
            errors.put(f, "must be an ISO 8601 timestamp with a time zone, e.g. 2023-06-15T12:00:00Z");
            return null;
        }
    }

    /** An array of strings as a set (duplicates fold); null when absent. */
    java.util.Set<String> strings(String f, int maxLength) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) return null;
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (JsonNode e : v.isArray() ? v : com.fasterxml.jackson.databind.node.MissingNode.getInstance()) {
            if (!e.isTextual() || e.asText().length() > maxLength || hasNul(e.asText())) {
                error(f, "must be an array of strings of at most " + maxLength + " characters");
                return null;
            }
            out.add(e.asText());
        }
        if (!v.isArray()) {
            error(f, "must be an array of strings");
            return null;
        }
        return out;
    }

    /**
     * The numeric part of a path id such as {@code key-3} or {@code sch-12}; anything else is the
     * native 404 naming the kind of thing asked for.
     */
    static long pathId(io.helidon.webserver.http.ServerRequest req, String prefix, String what) {
        String raw = req.path().pathParameters().get("id");
        if (raw != null && raw.startsWith(prefix)) {
            try {
                long id = Long.parseLong(raw.substring(prefix.length()));
                if (id > 0) return id;
            } catch (NumberFormatException e) {
                // falls through to 404
            }
        }
        throw NativeError.notFound(what + " " + raw + " not found");
    }

    List<String> tags() {
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

}
