package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.schedule.InvalidScheduleException;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.auth.GuardedRoute;
import dev.coxswain.server.http.BodyTooLargeException;
import dev.coxswain.server.http.MalformedJsonException;
import dev.coxswain.server.http.Respond;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Wraps every native route: API version negotiation, authentication, the scope check, and the
 * mapping of every failure to the native error envelope. This mapping is the native face's own;
 * other faces map the same core exceptions their own way.
 */
final class NativeGuard {
    private static final Logger LOG = Logger.getLogger(NativeGuard.class.getName());
    static final String API_VERSION = "1.0";

    /** What a route needs from the caller. */
    enum Access {
        READ(Scopes.TASKS_READ, Scopes.READ), WRITE(Scopes.TASKS_WRITE, null), ADMIN(Scopes.ADMIN, null);

        final String scope;
        final String alternative;

        Access(String scope, String alternative) {
            this.scope = scope;
            this.alternative = alternative;
        }

        boolean allows(Principal p) {
            return p.has(scope) || (alternative != null && p.has(alternative));
        }
    }


    private final Gatekeeper gate;

    NativeGuard(Gatekeeper gate) {
        this.gate = gate;
    }

    Handler guard(Access access, GuardedRoute route) {
        return (req, res) -> {
            try {
                checkVersion(req);
                Principal who = gate.require(req, res, d -> d.status() == 429
                        ? new NativeError(429, "rate_limited", d.reason(), null)
                        : new NativeError(401, "unauthorized", d.reason(), null));
                if (!access.allows(who)) {
                    throw new NativeError(403, "forbidden", "this credential lacks the '" + access.scope + "' scope", null);
                }
                route.handle(req, res, who);
            } catch (Exception e) {
                fail(req, res, e);
            }
        };
    }

    /** Refuses a principal that may not run shell commands (403, native format). */
    static void requireShell(Principal who) {
        requireToRun(who, "shell");
    }

    /**
     * Refuses a principal that may not create, change or run a task of this type (403, native
     * format): shell needs {@code jobs:write}, custom_sql {@code sql:custom}.
     */
    static void requireToRun(Principal who, String taskType) {
        String scope = Scopes.toRun(taskType);
        if (scope == null || who.has(scope)) return;
        String what = taskType.equals("custom_sql") ? "running SQL of your own (custom_sql)" : "running a shell command";
        throw new NativeError(403, "forbidden", what + " needs the '" + scope + "' scope", null);
    }

    /** The answer for a path under /api that no route serves. */
    static Handler notFound() {
        return (req, res) -> write(res, NativeError.notFound("no endpoint " + req.prologue().method().text()
                + " " + req.path().path()));
    }

    /**
     * {@code Accept: application/json; version=1.0} selects the version; without a version the
     * latest is used. Any other version is 406.
     */
    private static void checkVersion(ServerRequest req) {
        for (String accept : req.headers().all(HeaderNames.ACCEPT, java.util.List::of)) {
            for (String range : accept.split(",")) {
                for (String param : range.split(";")) {
                    String p = param.trim();
                    if (!p.regionMatches(true, 0, "version=", 0, 8)) continue;
                    String v = p.substring(8).trim().replace("\"", "");
                    if (!v.equals(API_VERSION) && !v.equals("1")) {
                        throw new NativeError(406, "not_acceptable", "API version " + v
                                + " is not supported; supported: " + API_VERSION, null);
                    }
                }
            }
        }
    }

    private static void fail(ServerRequest req, ServerResponse res, Exception e) {
        NativeError err = switch (e) {
            case NativeError ne -> ne;
            case NotFoundException nf -> NativeError.notFound(nf.getMessage());
            case ConflictException c -> new NativeError(409, "conflict", c.getMessage(), null);
            case ValidationException v -> NativeError.validation(v.fields());
            case InvalidScheduleException i -> NativeError.validation(java.util.Map.of("cron", i.getMessage()));
            case MalformedJsonException m -> NativeError.badRequest(m.getMessage());
            case BodyTooLargeException b -> new NativeError(413, "payload_too_large", b.getMessage(), null);
            default -> {
                LOG.log(Level.SEVERE, "internal error on " + req.prologue().method().text() + " " + req.path().path(), e);
                yield new NativeError(500, "internal_error", "internal server error", null);
            }
        };
        if (err.status == 401) res.header(HeaderNames.WWW_AUTHENTICATE, "ApiKey, Bearer");
        if (err.status == 413) res.header(HeaderNames.CONNECTION, "close");
        write(res, err);
    }

    static void write(ServerResponse res, NativeError err) {
        ObjectNode body = Json.object();
        ObjectNode e = body.putObject("error");
        e.put("code", err.code);
        e.put("message", err.getMessage());
        if (err.details != null && !err.details.isEmpty()) e.set("details", Json.MAPPER.valueToTree(err.details));
        Respond.json(res, err.status, body);
    }
}
