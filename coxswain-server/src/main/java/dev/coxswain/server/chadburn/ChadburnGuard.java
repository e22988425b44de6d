package dev.coxswain.server.chadburn;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.server.face.FaceAccess;
import io.helidon.webserver.http.ServerRequest;

/** What the Chadburn face's routes need from the caller, and its answer for an unknown path. */
final class ChadburnGuard {
    private ChadburnGuard() {
    }

    /** Reading jobs needs a read scope (or the right to write them); changing them runs shell commands. */
    enum Access implements FaceAccess {
        READ, WRITE;

        @Override
        public boolean allows(Principal p) {
            return this == READ ? p.has(Scopes.READ) || p.has(Scopes.TASKS_READ) || p.has(Scopes.JOBS_WRITE)
                    : p.has(Scopes.JOBS_WRITE);
        }

        @Override
        public String needs() {
            return this == READ ? "'read', 'tasks:read' or 'jobs:write'" : "'jobs:write'";
        }
    }

    static ChadburnError notFound(ServerRequest req) {
        return ChadburnError.notFound("no endpoint " + req.prologue().method().text() + " " + req.path().path());
    }
}
