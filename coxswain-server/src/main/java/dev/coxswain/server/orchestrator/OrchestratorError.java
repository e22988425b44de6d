package dev.coxswain.server.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.face.FaceError;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * An error answer of the orchestrator face. Most are JSON {@code {"error": "<message>"}}, as the
 * original's handlers and middlewares write them; a few are plain text, because the original
 * raises them as aiohttp HTTP exceptions (the ownership refusal, an unknown route), and clients
 * written against it see exactly that text.
 */
public final class OrchestratorError extends FaceError {
    /** The original's refusal when a client reads or changes another client's job (403, text). */
    public static final String NOT_OWNER = "Access denied: You do not own this job";
    /** aiohttp's body for a route that does not exist (404, text). */
    static final String NO_ROUTE = "404: Not Found";
    static final String TEXT = "text/plain; charset=utf-8";

    private final boolean text;

    private OrchestratorError(int status, String message, boolean text) {
        super(status, message);
        this.text = text;
    }

    /** {@code {"error": message}} with this status. */
    public static OrchestratorError json(int status, String message) {
        return new OrchestratorError(status, message, false);
    }

    /** {@code message} as {@code text/plain}, with this status. */
    public static OrchestratorError text(int status, String message) {
        return new OrchestratorError(status, message, true);
    }

    /** The ownership refusal: another client's job. */
    public static OrchestratorError notOwner() {
        return text(403, NOT_OWNER);
    }

    static OrchestratorError noRoute() {
        return text(404, NO_ROUTE);
    }

    static OrchestratorError badRequest(String message) {
        return json(400, message);
    }

    @Override
    public JsonNode body() {
        return Json.object().put("error", getMessage());
    }

    @Override
    public void writeTo(ServerResponse res) {
        if (!text) {
            super.writeTo(res);
            return;
        }
        res.status(Status.create(status()));
        res.header(HeaderNames.CONTENT_TYPE, TEXT);
        res.send(getMessage().getBytes(StandardCharsets.UTF_8));
    }
}
