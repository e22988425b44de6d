package dev.coxswain.server.face;

import dev.coxswain.core.schedule.InvalidScheduleException;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.IdempotencyKeyReusedException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.QuotaExceededException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.StoreUnavailableException;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.http.BodyTooLargeException;
import dev.coxswain.server.http.MalformedJsonException;

/**
 * One face's error renderer: how it answers each failure every face meets (refused credential,
 * core exceptions, body problems, a database blip), in its own status codes and body shape.
 * There is no global error handler: {@link FaceGuard} asks the face's own renderer, and a new
 * face that forgets a case does not compile.
 *
 * @param <E> the face's own error type
 */
public interface FaceErrors<E extends FaceError> {
    /** No or a bad credential (401). */
    E unauthorized(String reason);

    /** Over the rate limit (429; the limiter has set {@code Retry-After}). */
    E rateLimited(String reason);

    /**
     * The gate's refusal: over the limit, or no or a bad credential. A face whose protocol tells
     * a missing credential from a wrong one ({@link Gatekeeper.Denied#anonymous()}) overrides this.
     */
    default E denied(Gatekeeper.Denied d) {
        return d.status() == 429 ? rateLimited(d.reason()) : unauthorized(d.reason());
    }

    /** The credential lacks a scope the route needs (403). */
    E forbidden(FaceAccess access);

    E notFound(NotFoundException e);

    E conflict(ConflictException e);

    E validation(ValidationException e);

    E invalidSchedule(InvalidScheduleException e);

    E malformedJson(MalformedJsonException e);

    /** The body exceeded the limit (413; the guard closes the connection). */
    E tooLarge(BodyTooLargeException e);

    /** The database could not be reached before anything committed (503; the guard adds {@code Retry-After}). */
    E unavailable(StoreUnavailableException e);

    /** An {@code Idempotency-Key} that is not a usable key (400). */
    E badIdempotencyKey(String reason);

    /** The {@code Idempotency-Key} was used before for another request (422). */
    E idempotencyKeyReused(IdempotencyKeyReusedException e);

    /**
     * The principal's monthly job quota is used up (429, the face's own rate-limit answer unless
     * the face says otherwise; no {@code Retry-After}: the quota resets with the month).
     */
    default E quotaExceeded(QuotaExceededException e) {
        return rateLimited(e.getMessage());
    }

    /** Anything else: a bug, logged by the guard; the answer says nothing of it (500). */
    E internal();

    /** The {@code WWW-Authenticate} challenge sent with a 401, or null for none. */
    default String challenge() {
        return null;
    }
}
