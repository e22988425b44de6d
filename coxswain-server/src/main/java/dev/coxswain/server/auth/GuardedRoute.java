package dev.coxswain.server.auth;

import dev.coxswain.core.domain.Principal;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** A route handler that runs once the caller is admitted, knowing who it is. */
@FunctionalInterface
public interface GuardedRoute {
    void handle(ServerRequest req, ServerResponse res, Principal who) throws Exception;
}
