package dev.coxswain.server.face;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerResponse;

/**
 * A failure answer already in one face's own shape: thrown by that face's route code (or made by
 * its {@link FaceErrors} from a core exception) and written by {@link FaceGuard}. Each face has
 * its own subclass; nothing outside a face knows its body.
 */
public abstract class FaceError extends RuntimeException {
    private final int status;

    protected FaceError(int status, String message) {
        // No stack trace: these are answers, not bugs; they are thrown on every 4xx.
        super(message, null, false, false);
        this.status = status;
    }

    public final int status() {
        return status;
    }

    /** The response body in the face's error format. */
    public abstract JsonNode body();

    /**
     * Writes the answer: {@link #body()} as JSON. A face whose protocol answers some failures in
     * another media type (the orchestrator's plain-text ownership refusals) overrides this.
     */
    public void writeTo(ServerResponse res) {
        Respond.json(res, status, body());
    }
}
