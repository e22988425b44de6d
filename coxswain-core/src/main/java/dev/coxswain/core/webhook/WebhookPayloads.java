package dev.coxswain.core.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.WebhookDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The body of a delivery, in the native seed's format:
 * {@code {"event", "timestamp", "task": {id, name, status, result, started_at, completed_at}}}
 * (or {@code "worker": {id, status}} for worker events), from the snapshot taken at event time;
 * {@code task.progress} adds {@code task.progress: {value, message}} and {@code task.event} adds
 * {@code worker_event: {event_type, payload}}. A job's webhook carries the body the workflow
 * engine built, sent byte for byte as stored.
 */
public final class WebhookPayloads {
    private WebhookPayloads() {
    }

    public static byte[] body(WebhookDelivery d) {
        if (d.body() != null) return d.body().getBytes(StandardCharsets.UTF_8);
        ObjectNode root = Json.object();
        root.put("event", d.event());
        root.put("timestamp", time(d.eventAt()));
        root.put("delivery_id", "whd-" + d.id());
        JsonNode data = d.eventData() == null ? Json.object() : Json.read(d.eventData());
        if (d.taskId() != null) {
            ObjectNode t = root.putObject("task");
            t.put("id", "task-" + d.taskId());
            t.put("name", d.taskName());
            t.put("status", data.path("status").asText(null));
            t.put("result", d.taskResult());
            t.put("started_at", time(d.taskStartedAt()));
            t.put("completed_at", time(d.taskCompletedAt()));
            if (data.hasNonNull("error")) t.put("error", data.get("error").asText());
            // A remote worker's report about a task it runs: the task is running, and the report is the news.
            if (d.event().equals("task.progress")) {
                t.put("status", "running");
                ObjectNode p = t.putObject("progress");
                p.set("value", data.path("progress").isNumber() ? data.get("progress") : com.fasterxml.jackson.databind.node.NullNode.getInstance());
                p.put("message", data.path("message").asText(null));
            } else if (d.event().equals("task.event")) {
                t.put("status", "running");
                ObjectNode e = root.putObject("worker_event");
                e.put("event_type", data.path("event_type").asText(null));
                e.set("payload", data.path("payload").isObject() ? data.get("payload") : Json.object());
            }
        } else if (d.workerId() != null) {
            ObjectNode w = root.putObject("worker");
            w.put("id", d.workerId());
            w.put("status", d.event().equals("worker.offline") ? "offline" : "active");
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String time(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
