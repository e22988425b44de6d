package dev.coxswain.server.ui;

/** A refusal the dashboard shows as an error page (or an error banner in a partial update). */
public final class UiException extends RuntimeException {
    private final int status;

    /** @param message shown to the user as text; never holds a secret */
    public UiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static UiException notFound(String what) {
        return new UiException(404, what + " was not found.");
    }

    public static UiException forbidden(String why) {
        return new UiException(403, why);
    }

    public static UiException badRequest(String why) {
        return new UiException(400, why);
    }
}
