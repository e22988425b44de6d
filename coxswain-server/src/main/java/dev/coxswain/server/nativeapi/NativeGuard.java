package dev.coxswain.server.nativeapi;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.server.face.FaceAccess;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * What the native face checks beyond authentication: the API version a client asks for, the
 * scope of each route, and the right to run shell commands.
 */
final class NativeGuard {
    static final String API_VERSION = "1.0";

    private NativeGuard() {
    }

    /** What a route needs from the caller. */
    enum Access implements FaceAccess {
        READ(Scopes.TASKS_READ, Scopes.READ), WRITE(Scopes.TASKS_WRITE, null), ADMIN(Scopes.ADMIN, null);

        final String scope;
        final String alternative;

        Access(String scope, String alternative) {
            this.scope = scope;
            this.alternative = alternative;
        }

        @Override
        public boolean allows(Principal p) {
            return p.has(scope) || (alternative != null && p.has(alternative));
        }

        @Override
        public String needs() {
            return "'" + scope + "'";
        }
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
    static NativeError notFound(ServerRequest req) {
        return NativeError.notFound("no endpoint " + req.prologue().method().text() + " " + req.path().path());
    }

    /**
     * {@code Accept: application/json; version=1.0} selects the version; without a version the
     * latest is used. Any other version is 406.
     */
    static void checkVersion(ServerRequest req) {
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
}
