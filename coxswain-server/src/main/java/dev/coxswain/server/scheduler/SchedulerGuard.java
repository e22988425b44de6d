package dev.coxswain.server.scheduler;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.server.face.FaceAccess;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/** What the scheduler face's routes need from the caller, and FastAPI's answer for unrouted requests. */
final class SchedulerGuard {
    private SchedulerGuard() {
    }

    /**
     * Reads need {@code read} or {@code tasks:read} (or {@code tasks:write}, which manages the same
     * tasks); writes need {@code tasks:write}. Creating, changing the params of, or running a
     * {@code custom_sql} task needs {@code sql:custom} as well ({@link #requireToRun}).
     */
    enum Access implements FaceAccess {
        READ, WRITE;

        @Override
        public boolean allows(Principal p) {
            return this == READ ? p.has(Scopes.READ) || p.has(Scopes.TASKS_READ) || p.has(Scopes.TASKS_WRITE)
                    : p.has(Scopes.TASKS_WRITE);
        }

        @Override
        public String needs() {
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

    /**
     * What FastAPI answers for a path it has no route for (404 {@code Not Found}) or a known path
     * with another method (405 {@code Method Not Allowed}).
     */
    static Function<ServerRequest, SchedulerError> unmatched(List<Pattern> knownPaths) {
        return req -> {
            String path = req.path().path();
            boolean known = knownPaths.stream().anyMatch(p -> p.matcher(path).matches());
            return known ? new SchedulerError(405, "Method Not Allowed") : new SchedulerError(404, "Not Found");
        };
    }
}
