package dev.coxswain.server.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.face.FaceError;

/**
 * A FastAPI-style failure: {@code {"detail": <text>}} for HTTP errors, {@code {"detail": [...]}}
 * (Pydantic error objects) with 422 for schema violations.
 */
final class SchedulerError extends FaceError {
    static final String TASK_NOT_FOUND = "Задача не найдена";
    static final String EXECUTION_NOT_FOUND = "Выполнение задачи не найдено";

    final JsonNode detail;

    SchedulerError(int status, String detail) {
        super(status, detail);
        this.detail = TextNode.valueOf(detail);
    }

    SchedulerError(ArrayNode errors) {
        super(422, "validation failed: " + errors);
        this.detail = errors;
    }

    @Override
    public JsonNode body() {
        ObjectNode body = Json.object();
        body.set("detail", detail);
        return body;
    }

    static SchedulerError taskNotFound() {
        return new SchedulerError(404, TASK_NOT_FOUND);
    }

    static SchedulerError executionNotFound() {
        return new SchedulerError(404, EXECUTION_NOT_FOUND);
    }

    static SchedulerError badRequest(String detail) {
        return new SchedulerError(400, detail);
    }
}
