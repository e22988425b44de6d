package dev.coxswain.server.nativeapi;

import java.util.Map;

/** An error answer of the native API: {@code {"error":{"code","message","details"}}}. */
final class NativeError extends RuntimeException {
    final int status;
    final String code;
    final Map<String, ?> details;

    NativeError(int status, String code, String message, Map<String, ?> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details;
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
