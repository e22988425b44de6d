package dev.coxswain.server.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.server.nativeapi.NativeTaskBodies;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's "new shell task" form, read into the body the native API takes
 * ({@code POST /api/tasks}) and built by the native API's own reader, so both accept and refuse
 * the same tasks with the same words. What a form adds: numbers arrive as text, tags as one
 * comma-separated line, and the scheduled time as a local date-time in the server's zone (what
 * {@code <input type="datetime-local">} sends) or an ISO time with an offset.
 */
final class TaskForm {
    /** The form's fields, named as the native API's body fields (so its problems land beside them). */
    static final List<String> FIELDS = List.of("name", "command", "priority", "tags", "max_retries", "timeout_seconds",
            "scheduled_at");

    private final Map<String, String> values;
    private final Map<String, String> errors;
    private final ObjectNode body;

    private TaskForm(Map<String, String> values, Map<String, String> errors, ObjectNode body) {
        this.values = values;
        this.errors = errors;
        this.body = body;
    }

    /** What an empty form shows: the native API's defaults. */
    static Map<String, String> defaults() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("priority", "5");
        v.put("max_retries", "3");
        v.put("timeout_seconds", "3600");
        return v;
    }

    static TaskForm read(UiForm form, ZoneId zone) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String f : FIELDS) {
            String v = f.equals("command") ? form.raw(f) : form.get(f);
            if (v != null) values.put(f, v);
        }
        Map<String, String> errors = new LinkedHashMap<>();
        ObjectNode body = Json.object().put("type", "shell");
        text(body, "name", form.get("name"));
        String command = form.raw("command");
        // A textarea sends CRLF line breaks; the shell wants LF.
        text(body, "command", command == null || command.isBlank() ? null : command.replace("\r\n", "\n"));
        integer(body, errors, "priority", form.get("priority"));
        integer(body, errors, "max_retries", form.get("max_retries"));
        integer(body, errors, "timeout_seconds", form.get("timeout_seconds"));
        String tags = form.get("tags");
        if (tags != null) {
            ArrayNode a = body.putArray("tags");
            for (String t : tags.split(",")) if (!t.isBlank()) a.add(t.trim());
        }
        String at = form.get("scheduled_at");
        if (at != null) {
            String iso = isoTime(at, zone);
            if (iso == null) errors.put("scheduled_at", "must be a date and time, e.g. 2030-01-31T14:30");
            else body.put("scheduled_at", iso);
        }
        return new TaskForm(values, errors, body);
    }

    private static void text(ObjectNode body, String field, String v) {
        if (v != null) body.put(field, v);
    }

    private static void integer(ObjectNode body, Map<String, String> errors, String field, String v) {
        if (v == null) return;
        try {
            body.put(field, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            errors.put(field, "must be a whole number");
        }
    }

    /** An ISO time with an offset as given; a local date-time (seconds optional) in the server's zone. */
    static String isoTime(String v, ZoneId zone) {
        try {
            return OffsetDateTime.parse(v).toString();
        } catch (DateTimeParseException e) {
            // not with an offset: try local
        }
        try {
            return LocalDateTime.parse(v).atZone(zone).toOffsetDateTime().toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** What was typed, to show again beside the errors. */
    Map<String, String> values() {
        return values;
    }

    /** Problems found reading the form itself (not numbers, not a time). */
    Map<String, String> errors() {
        return errors;
    }

    /**
     * The task, built and checked by the native API's reader; made by the dashboard.
     *
     * @throws dev.coxswain.core.service.ValidationException with the native API's field problems
     */
    NewTask task() {
        NewTask t = NativeTaskBodies.create(body);
        return new NewTask(t.type(), t.name(), t.description(), t.payload(), t.priority(), t.maxRetries(), t.backoff(),
                t.scheduledAt(), t.timeoutSeconds(), t.tags(), t.dependencies(), t.checkpointEnabled(), "ui", null,
                t.owner(), t.ownerLimit());
    }
}
