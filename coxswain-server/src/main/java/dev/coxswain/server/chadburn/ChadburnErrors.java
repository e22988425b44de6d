package dev.coxswain.server.chadburn;

import dev.coxswain.core.schedule.InvalidScheduleException;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.IdempotencyKeyReusedException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.StoreUnavailableException;
import dev.coxswain.server.face.FaceAccess;
import dev.coxswain.server.face.FaceErrors;
import dev.coxswain.server.http.BodyTooLargeException;
import dev.coxswain.server.http.MalformedJsonException;
import java.util.Map;

/** How the Chadburn face answers every failure: Chadburn's {@code {"error":{"code","message"}}}. */
final class ChadburnErrors implements FaceErrors<ChadburnError> {
    @Override
    public ChadburnError unauthorized(String reason) {
        return new ChadburnError(401, "unauthorized", reason);
    }

    @Override
    public ChadburnError rateLimited(String reason) {
        return new ChadburnError(429, "rate_limit_exceeded", reason);
    }

    @Override
    public ChadburnError forbidden(FaceAccess access) {
        return new ChadburnError(403, "forbidden", "this credential needs the " + access.needs() + " scope");
    }

    @Override
    public ChadburnError notFound(NotFoundException e) {
        return ChadburnError.notFound(e.getMessage());
    }

    @Override
    public ChadburnError conflict(ConflictException e) {
        return new ChadburnError(409, "conflict", e.getMessage());
    }

    @Override
    public ChadburnError validation(ValidationException e) {
        return ChadburnError.validation(describe(e.fields()));
    }

    @Override
    public ChadburnError invalidSchedule(InvalidScheduleException e) {
        return ChadburnError.invalidSchedule(e.getMessage());
    }

    @Override
    public ChadburnError malformedJson(MalformedJsonException e) {
        return ChadburnError.validation(e.getMessage());
    }

    @Override
    public ChadburnError tooLarge(BodyTooLargeException e) {
        return new ChadburnError(413, "payload_too_large", e.getMessage());
    }

    @Override
    public ChadburnError unavailable(StoreUnavailableException e) {
        return new ChadburnError(503, "unavailable", "the database is unavailable; retry shortly");
    }

    @Override
    public ChadburnError badIdempotencyKey(String reason) {
        return ChadburnError.validation("Idempotency-Key " + reason);
    }

    @Override
    public ChadburnError idempotencyKeyReused(IdempotencyKeyReusedException e) {
        return new ChadburnError(422, "idempotency_key_reused", e.getMessage());
    }

    @Override
    public ChadburnError internal() {
        return new ChadburnError(500, "internal_error", "internal server error");
    }

    /** Core field names are the native ones; Chadburn calls two of them differently. */
    static String describe(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        for (var f : fields.entrySet()) {
            if (!sb.isEmpty()) sb.append("; ");
            String name = switch (f.getKey()) {
                case "max_retries" -> "retries";
                case "timeout_seconds" -> "timeout";
                default -> f.getKey();
            };
            sb.append(name).append(' ').append(f.getValue());
        }
        return sb.toString();
    }
}
