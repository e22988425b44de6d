package dev.coxswain.server.scheduler;

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
import dev.coxswain.server.http.Respond;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Wraps every scheduler route: authentication (X-API-Key, ApiKey or Bearer), rate limit, scope,
 * then the handler; every failure becomes FastAPI's {@code {"detail": ...}}.
 */
final class SchedulerGuard {
    private static final Logger LOG = Logger.getLogger(SchedulerGuard.class.getName());

    /**
     * Reads need {@code read} or {@code tasks:read} (or {@code tasks:write}, which manages the same
     * tasks); writes need {@code tasks:write}. Creating, changing the params of, or running a
     * {@code custom_sql} task needs {@code sql:custom} as well ({@link #requireToRun}).
     */
    enum Access {
        READ, WRITE;

        boolean allows(Principal p) {
            return this == READ ? p.has(Scopes.READ) || p.has(Scopes.TASKS_READ) || p.has(Scopes.TASKS_WRITE)
                    : p.has(Scopes.TASKS_WRITE);
        }

        String needs() {
            return this == READ ? "'read', 'tasks:read' or 'tasks:write'" : "'tasks:write'";
        }
    }


    /**
     * Refuses (403, {@code detail}) a principal that may not create, change or run a task of this
     * type: a read-only session still reaches server functions and the role's privileges, so SQL
     * of one's own takes {@code sql:custom}.
     */
    static void requireToRun(Principal who, String taskType) {
        String scope = Scopes.toRun(taskType);
        if (scope != null && !who.has(scope)) {
            throw new SchedulerError(403, "this credential needs the '" + scope + "' scope for " + taskType + " tasks");
        }
    }

    private final Gatekeeper gate;

    SchedulerGuard(Gatekeeper gate) {
        this.gate = gate;
    }

    Handler guard(Access access, GuardedRoute route) {
        return (req, res) -> {
            try {
                Principal who = gate.require(req, res, d -> {
                    if (d.status() == 429) return new SchedulerError(429, d.reason());
                    res.header(HeaderNames.WWW_AUTHENTICATE, "ApiKey");
                    return new SchedulerError(401, d.reason());
                });
                if (!access.allows(who)) {
                    throw new SchedulerError(403, "this credential needs the " + access.needs() + " scope");
                }
                route.handle(req, res, who);
            } catch (Exception e) {
                fail(req, res, e);
            }
        };
    }

    /**
     * What FastAPI answers for a path it has no route for (404 {@code Not Found}) or a known path
     * with another method (405 {@code Method Not Allowed}).
     */
    static Handler unmatched(List<Pattern> knownPaths) {
        return (req, res) -> {
            String path = req.path().path();
            boolean known = knownPaths.stream().anyMatch(p -> p.matcher(path).matches());
            write(res, known ? new SchedulerError(405, "Method Not Allowed") : new SchedulerError(404, "Not Found"));
        };
    }

    private static void fail(ServerRequest req, ServerResponse res, Exception e) {
        SchedulerError err = switch (e) {
            case SchedulerError s -> s;
            case InvalidScheduleException i -> SchedulerError.badRequest("Некорректное cron выражение: " + i.getMessage());
            case NotFoundException nf -> SchedulerError.taskNotFound();
            case ConflictException c -> SchedulerError.badRequest(c.getMessage());
            case ValidationException v -> new SchedulerError(Pydantic.fromCore(v.fields()));
            case BodyTooLargeException b -> new SchedulerError(413, b.getMessage());
            default -> {
                LOG.log(Level.SEVERE, "internal error on " + req.prologue().method().text() + " " + req.path().path(), e);
                yield new SchedulerError(500, "Internal Server Error");
            }
        };
        if (err.status == 413) res.header(HeaderNames.CONNECTION, "close");
        write(res, err);
    }

    static void write(ServerResponse res, SchedulerError err) {
        ObjectNode body = Json.object();
        body.set("detail", err.detail);
        Respond.json(res, err.status, body);
    }
}
