package dev.coxswain.server.scheduler;

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

/** How the scheduler face answers every failure: FastAPI's {@code {"detail": …}}. */
final class SchedulerErrors implements FaceErrors<SchedulerError> {
    @Override
    public SchedulerError unauthorized(String reason) {
        return new SchedulerError(401, reason);
    }

    @Override
    public SchedulerError rateLimited(String reason) {
        return new SchedulerError(429, reason);
    }

    @Override
    public SchedulerError forbidden(FaceAccess access) {
        return new SchedulerError(403, "this credential needs the " + access.needs() + " scope");
    }

    @Override
    public SchedulerError notFound(NotFoundException e) {
        return SchedulerError.taskNotFound();
    }

    @Override
    public SchedulerError conflict(ConflictException e) {
        return SchedulerError.badRequest(e.getMessage());
    }

    @Override
    public SchedulerError validation(ValidationException e) {
        return new SchedulerError(Pydantic.fromCore(e.fields()));
    }

    @Override
    public SchedulerError invalidSchedule(InvalidScheduleException e) {
        return SchedulerError.badRequest("Некорректное cron выражение: " + e.getMessage());
    }

    /** Not met on this face's routes (they parse bodies with {@link Pydantic}); FastAPI's 400 if it were. */
    @Override
    public SchedulerError malformedJson(MalformedJsonException e) {
        return SchedulerError.badRequest(e.getMessage());
    }

    @Override
    public SchedulerError tooLarge(BodyTooLargeException e) {
        return new SchedulerError(413, e.getMessage());
    }

    @Override
    public SchedulerError unavailable(StoreUnavailableException e) {
        return new SchedulerError(503, "Service Unavailable");
    }

    @Override
    public SchedulerError badIdempotencyKey(String reason) {
        return SchedulerError.badRequest("Idempotency-Key " + reason);
    }

    @Override
    public SchedulerError idempotencyKeyReused(IdempotencyKeyReusedException e) {
        return new SchedulerError(422, e.getMessage());
    }

    @Override
    public SchedulerError internal() {
        return new SchedulerError(500, "Internal Server Error");
    }

    @Override
    public String challenge() {
        return "ApiKey";
    }
}
