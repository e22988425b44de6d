package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;

/**
 * A task as the long poll delivered it ({@code TaskPayload}), with Coxswain's metadata read out:
 * {@code metadata.coxswain_task}, {@code metadata.attempt} and {@code metadata.checkpoint}.
 */
record TaskPayload(
        String jobId,
        String taskId,
        String type,
        JsonNode params,
        JsonNode tracingContext,
        Instant deadline,
        JsonNode metadata,
        String coxswainTask,
        int attempt,
        JsonNode checkpoint) {

    /**
     * @throws IllegalArgumentException when {@code job_id}, {@code task_id} or {@code type} is
     *                                  missing: without them no result can even be addressed
     */
    static TaskPayload parse(JsonNode json) {
        String jobId = text(json, "job_id");
        String taskId = text(json, "task_id");
        String type = text(json, "type");
        JsonNode params = json.get("params");
        JsonNode metadata = json.get("metadata");
        if (metadata == null || !metadata.isObject()) metadata = JsonNodeFactory.instance.objectNode();
        JsonNode deadline = json.get("deadline");
        JsonNode checkpoint = metadata.get("checkpoint");
        JsonNode attempt = metadata.get("attempt");
        JsonNode coxswainTask = metadata.get("coxswain_task");
        return new TaskPayload(
                jobId, taskId, type,
                params != null && params.isObject() ? params : JsonNodeFactory.instance.objectNode(),
                json.path("tracing_context"),
                deadline != null && deadline.isNumber() ? Instant.ofEpochSecond(deadline.asLong()) : null,
                metadata,
                coxswainTask != null && coxswainTask.isTextual() ? coxswainTask.textValue() : null,
                attempt != null && attempt.canConvertToInt() && attempt.isIntegralNumber() ? attempt.intValue() : 1,
                checkpoint == null || checkpoint.isNull() ? null : checkpoint);
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw new IllegalArgumentException("Task payload without " + field);
        }
        return value.textValue();
    }
}
