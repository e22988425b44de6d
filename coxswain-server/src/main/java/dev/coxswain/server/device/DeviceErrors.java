package dev.coxswain.server.device;

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
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * How the device face answers every failure the guard meets, in its {@code {code, message, data}}
 * envelope. A task in the wrong state for the action (stop a task that is not running, retry one
 * that has not failed) is the product's 40001, not a 409: its clients know only the documented
 * codes. The face's own core exceptions (unsupported script, no accounts, plan refused) are
 * translated by {@link DeviceRoutes} before they reach the guard.
 */
final class DeviceErrors implements FaceErrors<DeviceError> {
    @Override
    public DeviceError unauthorized(String reason) {
        return new DeviceError(DeviceCode.UNAUTHORIZED, reason);
    }

    @Override
    public DeviceError rateLimited(String reason) {
        return new DeviceError(DeviceCode.RATE_LIMITED, reason);
    }

    @Override
    public DeviceError forbidden(FaceAccess access) {
        return new DeviceError(DeviceCode.SCOPE_MISSING, "this credential needs the " + access.needs() + " scope");
    }

    @Override
    public DeviceError notFound(NotFoundException e) {
        return DeviceError.notFound(e.getMessage());
    }

    @Override
    public DeviceError conflict(ConflictException e) {
        return DeviceError.invalid(e.getMessage());
    }

    @Override
    public DeviceError validation(ValidationException e) {
        return DeviceError.invalid(describe(e.fields()));
    }

    @Override
    public DeviceError invalidSchedule(InvalidScheduleException e) {
        return DeviceError.invalid(e.getMessage());
    }

    @Override
    public DeviceError malformedJson(MalformedJsonException e) {
        return DeviceError.invalid(e.getMessage());
    }

    @Override
    public DeviceError tooLarge(BodyTooLargeException e) {
        return new DeviceError(DeviceCode.BODY_TOO_LARGE, e.getMessage());
    }

    @Override
    public DeviceError unavailable(StoreUnavailableException e) {
        return new DeviceError(DeviceCode.UNAVAILABLE, "the database is unavailable; retry shortly");
    }

    @Override
    public DeviceError badIdempotencyKey(String reason) {
        return DeviceError.invalid("Idempotency-Key " + reason);
    }

    @Override
    public DeviceError idempotencyKeyReused(IdempotencyKeyReusedException e) {
        return DeviceError.invalid(e.getMessage());
    }

    @Override
    public DeviceError internal() {
        return new DeviceError(DeviceCode.INTERNAL, "internal error");
    }

    /** {@code field: problem; field: problem}, by field name (the exception keeps no order), so the text is stable. */
    static String describe(Map<String, String> fields) {
        StringJoiner sj = new StringJoiner("; ");
        new TreeMap<>(fields).forEach((field, problem) -> sj.add(field + ": " + problem));
        return sj.toString();
    }
}
