package dev.coxswain.server.worker;

import dev.coxswain.core.Json;
import dev.coxswain.server.face.FaceError;

/**
 * An error of the worker protocol: {@code {"error": "<message>"}} (plus {@code code} on a 429, as
 * the SDK reads it) with its status. Authentication failures are 403, never 401: on a 401 the SDK
 * runs its token exchange, which only an expired access token should cause.
 */
public final class WorkerError extends FaceError {
    private final String message;
    private final String code;

    public WorkerError(int status, String message) {
        this(status, message, null);
    }

    public WorkerError(int status, String message, String code) {
        super(status, message);
        this.message = message;
        this.code = code;
    }

    @Override
    public com.fasterxml.jackson.databind.JsonNode body() {
        var n = Json.object().put("error", message);
        if (code != null) n.put("code", code);
        return n;
    }

    static WorkerError unauthorized(String reason) {
        return new WorkerError(403, "Unauthorized: " + reason);
    }
}
