package dev.coxswain.server.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.workflow.NewJob;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.MalformedJsonException;

/**
 * The body of {@code POST /api/<version><endpoint>}: {@code initial_data} (object, default
 * {@code {}}), {@code webhook_url} (string), {@code dispatch_timeout} and {@code result_timeout}
 * (whole seconds), {@code metadata} (object); {@code security} is accepted and not kept (a client's
 * signature context has no use in Coxswain). Anything else is ignored, as the original does. A body
 * that is not a JSON object is the original's {@code Invalid JSON body}; a field of the wrong type
 * is a 400 naming it (the original would store it and fail later).
 */
final class JobRequest {
    private JobRequest() {
    }

    static NewJob parse(byte[] raw, String owner) {
        JsonNode body;
        try {
            body = Bodies.parse(raw);
        } catch (MalformedJsonException e) {
            throw OrchestratorError.badRequest(OrchestratorErrors.INVALID_JSON);
        }
        if (!body.isObject()) throw OrchestratorError.badRequest(OrchestratorErrors.INVALID_JSON);
        JsonNode initial = present(body, "initial_data");
        if (initial != null && !initial.isObject()) throw OrchestratorError.badRequest("initial_data must be an object");
        JsonNode webhook = present(body, "webhook_url");
        if (webhook != null && !webhook.isTextual()) throw OrchestratorError.badRequest("webhook_url must be a string");
        JsonNode metadata = present(body, "metadata");
        if (metadata != null && !metadata.isObject()) throw OrchestratorError.badRequest("metadata must be an object");
        return new NewJob(owner, initial, webhook == null ? null : webhook.asText(), seconds(body, "dispatch_timeout"),
                seconds(body, "result_timeout"), metadata);
    }

    /** A whole number of seconds, at least 1; null when absent. */
    private static Integer seconds(JsonNode body, String field) {
        JsonNode v = present(body, field);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
            throw OrchestratorError.badRequest(field + " must be a positive integer (seconds)");
        }
        return v.intValue();
    }

    /** The field, or null when absent or JSON null (null and absent mean the same on this wire). */
    private static JsonNode present(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v;
    }
}
