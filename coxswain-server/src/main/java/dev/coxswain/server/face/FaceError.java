package dev.coxswain.server.face;

import com.fasterxml.jackson.databind.JsonNode;

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
}
