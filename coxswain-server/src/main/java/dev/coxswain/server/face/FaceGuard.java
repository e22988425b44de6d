package dev.coxswain.server.face;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.schedule.InvalidScheduleException;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.IdempotencyKeyReusedException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.QuotaExceededException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.StoreUnavailableException;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.auth.GuardedRoute;
import dev.coxswain.server.http.BodyTooLargeException;
import dev.coxswain.server.http.MalformedJsonException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Wraps every route of one face: the face's own pre-check (e.g. version negotiation), then
 * authentication and rate limit ({@link Gatekeeper}), the route's scope, the handler; and maps
 * every failure to that face's error format through its {@link FaceErrors}.
 *
 * @param <E> the face's own error type
 */
public final class FaceGuard<E extends FaceError> {
    private static final Logger LOG = Logger.getLogger(FaceGuard.class.getName());

    /** Runs before authentication; throws the face's error to refuse. */
    @FunctionalInterface
    public interface PreCheck {
        PreCheck NONE = req -> { };

        void check(ServerRequest req);
    }

    private final String face;
    private final Gatekeeper gate;
    private final FaceErrors<E> errors;
    private final PreCheck preCheck;

    public FaceGuard(String face, Gatekeeper gate, FaceErrors<E> errors, PreCheck preCheck) {
        this.face = face;
        this.gate = gate;
        this.errors = errors;
        this.preCheck = preCheck;
    }

    public FaceErrors<E> errors() {
        return errors;
    }

    public Handler guard(FaceAccess access, GuardedRoute route) {
        return (req, res) -> {
            try {
                preCheck.check(req);
                Principal who = gate.require(req, res, errors::denied);
                if (!access.allows(who)) throw errors.forbidden(access);
                route.handle(req, res, who);
            } catch (Exception e) {
                fail(req, res, e);
            }
        };
    }

    /** A fixed answer of this face (its 404 for unknown paths, say), written like any other failure. */
    public Handler answer(Function<ServerRequest, E> error) {
        return (req, res) -> write(res, error.apply(req));
    }

    private void fail(ServerRequest req, ServerResponse res, Exception e) {
        FaceError err = switch (e) {
            case FaceError own -> own;
            case InvalidScheduleException i -> errors.invalidSchedule(i);
            case NotFoundException nf -> errors.notFound(nf);
            case IdempotencyKeyReusedException r -> errors.idempotencyKeyReused(r);
            case ConflictException c -> errors.conflict(c);
            case ValidationException v -> errors.validation(v);
            case MalformedJsonException m -> errors.malformedJson(m);
            case BodyTooLargeException b -> errors.tooLarge(b);
            case QuotaExceededException q -> errors.quotaExceeded(q);
            default -> {
                StoreUnavailableException blip = unavailable(e);
                if (blip != null) {
                    res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, blip.retryAfter().toSeconds())));
                    yield errors.unavailable(blip);
                }
                LOG.log(Level.SEVERE, "internal error on " + face + " " + req.prologue().method().text() + " "
                        + req.path().path(), e);
                yield errors.internal();
            }
        };
        if (err.status() == 401 && errors.challenge() != null) res.header(HeaderNames.WWW_AUTHENTICATE, errors.challenge());
        if (err.status() == 413) res.header(HeaderNames.CONNECTION, "close");
        write(res, err);
    }

    /** The database blip behind {@code e}, however deep a wrapper put it; null when there is none. */
    private static StoreUnavailableException unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException u) return u;
        }
        return null;
    }

    public static void write(ServerResponse res, FaceError err) {
        err.writeTo(res);
    }
}
