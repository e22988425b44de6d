package dev.coxswain.server.ui;

import dev.coxswain.server.http.RouteTable;
import io.helidon.webserver.http.Handler;

/**
 * How a page group adds its routes: every one goes through {@link UiGuard} (session, rate limit,
 * CSRF) and into the route table as a page of the "ui" face (timed, listed, not in the API
 * document).
 */
public final class UiRoutes {
    private final RouteTable.Face face;
    private final UiGuard guard;

    UiRoutes(RouteTable.Face face, UiGuard guard) {
        this.face = face;
        this.guard = guard;
    }

    public UiRoutes get(String path, UiRoute route) {
        face.get(path, RouteTable.Access.AUTHENTICATED, guard.guard(route));
        return this;
    }

    public UiRoutes post(String path, UiRoute route) {
        face.post(path, RouteTable.Access.AUTHENTICATED, guard.guard(route));
        return this;
    }

    /** A route that needs no session (the sign-in page, static files): its handler does its own checks. */
    UiRoutes open(io.helidon.http.Method method, String path, Handler h) {
        face.add(method, path, RouteTable.Access.OPEN, h);
        return this;
    }
}
