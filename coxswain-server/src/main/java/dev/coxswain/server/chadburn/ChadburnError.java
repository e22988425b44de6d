package dev.coxswain.server.chadburn;

/** An error answer of the Chadburn face: {@code {"error":{"code","message"}}}. */
final class ChadburnError extends RuntimeException {
    final int status;
    final String code;

    ChadburnError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
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
