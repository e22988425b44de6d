package dev.coxswain.server.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.Task;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Renders tasks and executions as the seed's FastAPI response models print them. */
final class SchedulerJson {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

    private SchedulerJson() {
    }

    /** Python's {@code datetime.isoformat()} of a naive local time: microseconds only when non-zero. */
    static String time(Instant t, ZoneId zone) {
        if (t == null) return null;
        LocalDateTime l = LocalDateTime.ofInstant(t, zone);
        return (l.getNano() == 0 ? SECONDS : MICROS).format(l);
    }

    /**
     * @param nextRunAt the next slot (for an inactive task: the one it would fire at, as the
     *                  original keeps the value it computed)
     */
    static ObjectNode task(Schedule s, Instant nextRunAt, ZoneId zone) {
        ObjectNode o = Json.object();
        o.put("id", s.id());
        o.put("name", s.name());
        o.put("task_type", s.taskType());
        o.set("connection_id", s.payload().path("connection_id"));
        o.put("cron_schedule", SchedulerRequest.fromCoxswainCron(s.expression()));
        o.put("description", s.description());
        JsonNode params = s.payload().get("params");
        o.set("task_params", params == null || params.isNull() ? Json.object() : params);
        o.put("is_active", s.status() == ScheduleStatus.ACTIVE);
        o.put("last_run_at", time(s.lastSlotAt(), zone));
        o.put("next_run_at", time(nextRunAt, zone));
        o.put("created_at", time(s.createdAt(), zone));
        return o;
    }

    static ObjectNode execution(Task t, ZoneId zone) {
        ObjectNode o = Json.object();
        o.put("id", t.id());
        o.put("task_type", t.type());
        o.set("connection_id", t.payload().path("connection_id").isMissingNode() ? null : t.payload().get("connection_id"));
        Long scheduleId = scheduleId(t);
        if (scheduleId == null) o.putNull("scheduled_task_id");
        else o.put("scheduled_task_id", scheduleId);
        o.put("status", status(t));
        o.put("started_at", time(t.startedAt() != null ? t.startedAt() : t.createdAt(), zone));
        o.put("completed_at", time(t.completedAt(), zone));
        o.set("result", result(t.result()));
        o.put("error_message", t.error());
        JsonNode params = t.payload().get("params");
        o.set("parameters", params == null || params.isNull() ? Json.object() : params);
        return o;
    }

    /**
     * The original's five states: a run waiting for its time or a worker is {@code pending}; a run
     * between retry attempts stays {@code running}, as the original keeps it.
     */
    static String status(Task t) {
        return switch (t.status()) {
            case PENDING -> t.retryCount() > 0 ? "running" : "pending";
            case QUEUED -> t.retryCount() > 0 ? "running" : "pending";
            case RUNNING -> "running";
            case COMPLETED -> "completed";
            case FAILED -> "failed";
            case CANCELLED -> "cancelled";
        };
    }

    static Long scheduleId(Task t) {
        try {
            return t.originId() == null ? null : Long.parseLong(t.originId());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static JsonNode result(String raw) {
        if (raw == null) return null;
        try {
            JsonNode n = Json.read(raw);
            return n == null ? TextNode.valueOf(raw) : n;
        } catch (RuntimeException e) {
            return TextNode.valueOf(raw);
        }
    }
}
