package dev.coxswain.server.orchestrator;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.server.face.FaceAccess;

/**
 * What the orchestrator's client routes need. A client is any API key (or JWT) presented as
 * {@code X-Client-Token} or another credential header: reading needs a read scope, starting,
 * cancelling and deciding jobs needs {@code tasks:write} (each step of a job is a task). Which
 * jobs it sees is decided apart: its own, or every job for {@code admin} ({@link #seesEveryJob}).
 */
enum OrchestratorAccess implements FaceAccess {
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

    /** An admin credential reads and acts on every client's jobs; any other only on its own. */
    static boolean seesEveryJob(Principal p) {
        return p.has(Scopes.ADMIN);
    }
}
