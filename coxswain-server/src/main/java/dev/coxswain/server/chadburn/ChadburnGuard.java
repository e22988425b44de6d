package dev.coxswain.server.chadburn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.schedule.InvalidScheduleException;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.auth.GuardedRoute;
import dev.coxswain.server.http.BodyTooLargeException;
import dev.coxswain.server.http.MalformedJsonException;
import dev.coxswain.server.http.Respond;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Wraps every Chadburn route: authentication (X-API-Key, ApiKey or Bearer), rate limit, scope,
 * and the mapping of every failure to Chadburn's {@code {"error":{"code","message"}}}.
 */
final class ChadburnGuard {
    private static final Logger LOG = Logger.getLogger(ChadburnGuard.class.getName());

    /** Reading jobs needs a read scope (or the right to write them); changing them runs shell commands. */
    enum Access {
        READ, WRITE;

        boolean allows(Principal p) {
            return this == READ ? p.has(Scopes.READ) || p.has(Scopes.TASKS_READ) || p.has(Scopes.JOBS_WRITE)
                    : p.has(Scopes.JOBS_WRITE);
        }

        String needs() {
            return this == READ ? "'read', 'tasks:read' or 'jobs:write'" : "'jobs:write'";
        }
    }


    private final Gatekeeper gate;

    ChadburnGuard(Gatekeeper gate) {
        this.gate = gate;
    }

    Handler guard(Access access, GuardedRoute route) {
        return (req, res) -> {
            try {
                Principal who = gate.require(req, res, d -> d.status() == 429
                        ? new ChadburnError(429, "rate_limit_exceeded", d.reason())
                        : new ChadburnError(401, "unauthorized", d.reason()));
                if (!access.allows(who)) {
                    throw new ChadburnError(403, "forbidden", "this credential needs the " + access.needs() + " scope");
                }
                route.handle(req, res, who);
            } catch (Exception e) {
                fail(req, res, e);
            }
        };
    }

    static Handler notFound() {
        return (req, res) -> write(res, ChadburnError.notFound("no endpoint " + req.prologue().method().text() + " "
                + req.path().path()));
    }

    private static void fail(ServerRequest req, ServerResponse res, Exception e) {
        ChadburnError err = switch (e) {
            case ChadburnError c -> c;
            case InvalidScheduleException i -> ChadburnError.invalidSchedule(i.getMessage());
            case NotFoundException nf -> ChadburnError.notFound(nf.getMessage());
            case ConflictException c -> new ChadburnError(409, "conflict", c.getMessage());
            case ValidationException v -> ChadburnError.validation(describe(v.fields()));
            case MalformedJsonException m -> ChadburnError.validation(m.getMessage());
            case BodyTooLargeException b -> new ChadburnError(413, "payload_too_large", b.getMessage());
            default -> {
                LOG.log(Level.SEVERE, "internal error on " + req.prologue().method().text() + " " + req.path().path(), e);
                yield new ChadburnError(500, "internal_error", "internal server error");
            }
        };
        if (err.status == 413) res.header(HeaderNames.CONNECTION, "close");
        write(res, err);
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

    static void write(ServerResponse res, ChadburnError err) {
        ObjectNode body = Json.object();
        body.putObject("error").put("code", err.code).put("message", err.getMessage());
        Respond.json(res, err.status, body);
    }
}
