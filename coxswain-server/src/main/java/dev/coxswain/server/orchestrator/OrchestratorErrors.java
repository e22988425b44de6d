package dev.coxswain.server.orchestrator;

import dev.coxswain.core.schedule.InvalidScheduleException;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.IdempotencyKeyReusedException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.QuotaExceededException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.StoreUnavailableException;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.face.FaceAccess;
import dev.coxswain.server.face.FaceErrors;
import dev.coxswain.server.http.BodyTooLargeException;
import dev.coxswain.server.http.MalformedJsonException;
import java.util.StringJoiner;

/**
 * How the orchestrator face answers every failure, with the original's texts where it has one:
 * its client middleware's two 401s, its rate limiter's 429, {@code Invalid JSON body}.
 */
final class OrchestratorErrors implements FaceErrors<OrchestratorError> {
    static final String MISSING_TOKEN = "Missing X-Client-Token header";
    static final String INVALID_TOKEN = "Unauthorized: Invalid token";
    /** The approval webhook's refusals: it checks the token by hand and raises aiohttp's text 401s. */
    static final String NO_CLIENT = "Client authentication required";
    static final String INVALID_CLIENT_TOKEN = "Unauthorized: Invalid client token";
    static final String INVALID_JSON = "Invalid JSON body";
    static final String QUOTA_EXCEEDED = "Quota exceeded or not configured";

    private final boolean textRefusals;

    /** @param textRefusals answer a missing or wrong credential as the approval webhook does (text), not as the client API middleware (JSON) */
    OrchestratorErrors(boolean textRefusals) {
        this.textRefusals = textRefusals;
    }

    /** No credential: the original's "missing"; a wrong one: its "invalid token" (never why, as it does). */
    @Override
    public OrchestratorError denied(Gatekeeper.Denied d) {
        if (d.status() == 429) return rateLimited(d.reason());
        if (!d.anonymous()) return unauthorized(d.reason());
        return textRefusals ? OrchestratorError.text(401, NO_CLIENT) : OrchestratorError.json(401, MISSING_TOKEN);
    }

    @Override
    public OrchestratorError unauthorized(String reason) {
        return textRefusals ? OrchestratorError.text(401, INVALID_CLIENT_TOKEN) : OrchestratorError.json(401, INVALID_TOKEN);
    }

    @Override
    public OrchestratorError rateLimited(String reason) {
        return OrchestratorError.json(429, "Too Many Requests");
    }

    @Override
    public OrchestratorError forbidden(FaceAccess access) {
        return OrchestratorError.json(403, "Forbidden: this credential needs the " + access.needs() + " scope");
    }

    @Override
    public OrchestratorError notFound(NotFoundException e) {
        return OrchestratorError.json(404, e.getMessage());
    }

    @Override
    public OrchestratorError conflict(ConflictException e) {
        return OrchestratorError.json(409, e.getMessage());
    }

    @Override
    public OrchestratorError validation(ValidationException e) {
        StringJoiner sj = new StringJoiner("; ");
        e.fields().forEach((field, message) -> sj.add(field + ": " + message));
        return OrchestratorError.badRequest(sj.toString());
    }

    @Override
    public OrchestratorError invalidSchedule(InvalidScheduleException e) {
        return OrchestratorError.badRequest(e.getMessage());
    }

    @Override
    public OrchestratorError malformedJson(MalformedJsonException e) {
        return OrchestratorError.badRequest(INVALID_JSON);
    }

    @Override
    public OrchestratorError tooLarge(BodyTooLargeException e) {
        return OrchestratorError.json(413, e.getMessage());
    }

    @Override
    public OrchestratorError unavailable(StoreUnavailableException e) {
        return OrchestratorError.json(503, "The database is unavailable; retry shortly");
    }

    @Override
    public OrchestratorError badIdempotencyKey(String reason) {
        return OrchestratorError.badRequest("Idempotency-Key " + reason);
    }

    @Override
    public OrchestratorError idempotencyKeyReused(IdempotencyKeyReusedException e) {
        return OrchestratorError.json(422, e.getMessage());
    }

    /** The original's answer when a client's quota is used up (its quota middleware's text). */
    @Override
    public OrchestratorError quotaExceeded(QuotaExceededException e) {
        return OrchestratorError.json(429, QUOTA_EXCEEDED);
    }

    @Override
    public OrchestratorError internal() {
        return OrchestratorError.json(500, "Internal Server Error");
    }
}
