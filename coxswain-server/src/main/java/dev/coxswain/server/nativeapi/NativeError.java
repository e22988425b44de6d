package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.face.FaceError;
import java.util.Map;

/** An error answer of the native API: {@code {"error":{"code","message","details"}}}. */
public final class NativeError extends FaceError {
    final String code;
    final Map<String, ?> details;

    NativeError(int status, String code, String message, Map<String, ?> details) {
        super(status, message);
        this.code = code;
        this.details = details;
    }

    @Override
    public JsonNode body() {
        ObjectNode body = Json.object();
        ObjectNode e = body.putObject("error");
        e.put("code", code);
        e.put("message", getMessage());
        if (details != null && !details.isEmpty()) e.set("details", Json.MAPPER.valueToTree(details));
        return body;
    }

    static NativeError badRequest(String message) {
        return new NativeError(400, "bad_request", message, null);
    }

    static NativeError badParam(String param, String message) {
        return new NativeError(400, "bad_request", message, Map.of(param, message));
    }

    static NativeError notFound(String message) {
        return new NativeError(404, "not_found", message, null);
    }

    static NativeError validation(Map<String, String> fields) {
        return new NativeError(422, "validation_error", "Validation failed", fields);
    }
}
