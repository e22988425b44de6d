package dev.coxswain.server.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A FastAPI-style failure: {@code {"detail": <text>}} for HTTP errors, {@code {"detail": [...]}}
 * (Pydantic error objects) with 422 for schema violations.
 */
final class SchedulerError extends RuntimeException {
    static final String TASK_NOT_FOUND = "Задача не найдена";
    static final String EXECUTION_NOT_FOUND = "Выполнение задачи не найдено";

    final int status;
    final JsonNode detail;

    SchedulerError(int status, String detail) {
        super(detail);
        this.status = status;
        this.detail = TextNode.valueOf(detail);
    }

    SchedulerError(ArrayNode errors) {
        super("validation failed: " + errors);
        this.status = 422;
        this.detail = errors;
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
