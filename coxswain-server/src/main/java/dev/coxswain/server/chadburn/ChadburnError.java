package dev.coxswain.server.chadburn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.face.FaceError;

/** An error answer of the Chadburn face: {@code {"error":{"code","message"}}}. */
final class ChadburnError extends FaceError {
    final String code;

    ChadburnError(int status, String code, String message) {
        super(status, message);
        this.code = code;
    }

    @Override
    public JsonNode body() {
        ObjectNode body = Json.object();
        body.putObject("error").put("code", code).put("message", getMessage());
        return body;
    }

    static ChadburnError validation(String message) {
        return new ChadburnError(400, "validation_error", message);
    }

    static ChadburnError invalidSchedule(String message) {
        return new ChadburnError(400, "invalid_schedule", message);
    }

    static ChadburnError notFound(String message) {
        return new ChadburnError(404, "not_found", message);
    }
}
