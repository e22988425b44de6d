package dev.coxswain.server.worker;

import dev.coxswain.core.domain.Principal;

/**
 * Who a worker request comes from, once authenticated.
 *
 * @param master the token the worker signs with (its individual or the shared token, never an
 *               access token); never logged or echoed
 */
record WorkerIdentity(String workerId, Principal principal, String master) {
    @Override
    public String toString() {
        return "WorkerIdentity[" + workerId + ", " + principal.id() + "]";
    }
}
