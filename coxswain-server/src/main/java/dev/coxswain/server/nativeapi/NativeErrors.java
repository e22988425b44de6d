package dev.coxswain.server.nativeapi;

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

/** The native face's answers to every failure: snake_case codes in {@code {"error":{…}}}. */
public final class NativeErrors implements FaceErrors<NativeError> {
    @Override
    public NativeError unauthorized(String reason) {
        return new NativeError(401, "unauthorized", reason, null);
    }

    @Override
    public NativeError rateLimited(String reason) {
        return new NativeError(429, "rate_limited", reason, null);
    }

    @Override
    public NativeError forbidden(FaceAccess access) {
        return new NativeError(403, "forbidden", "this credential lacks the " + access.needs() + " scope", null);
    }

    @Override
    public NativeError notFound(NotFoundException e) {
        return NativeError.notFound(e.getMessage());
    }

    @Override
    public NativeError conflict(ConflictException e) {
        return new NativeError(409, "conflict", e.getMessage(), null);
    }

    @Override
    public NativeError validation(ValidationException e) {
        return NativeError.validation(e.fields());
    }

    @Override
    public NativeError invalidSchedule(InvalidScheduleException e) {
        return NativeError.validation(Map.of("cron", e.getMessage()));
    }

    @Override
    public NativeError malformedJson(MalformedJsonException e) {
        return NativeError.badRequest(e.getMessage());
    }

    @Override
    public NativeError tooLarge(BodyTooLargeException e) {
        return new NativeError(413, "payload_too_large", e.getMessage(), null);
    }

    @Override
    public NativeError unavailable(StoreUnavailableException e) {
        return new NativeError(503, "unavailable", "the database is unavailable; retry shortly", null);
    }

    @Override
    public NativeError badIdempotencyKey(String reason) {
        return NativeError.badParam("Idempotency-Key", reason);
    }

    @Override
    public NativeError idempotencyKeyReused(IdempotencyKeyReusedException e) {
        return new NativeError(422, "idempotency_key_reused", e.getMessage(), null);
    }

    @Override
    public NativeError internal() {
        return new NativeError(500, "internal_error", "internal server error", null);
    }

    @Override
    public String challenge() {
        return "ApiKey, Bearer";
    }
}
