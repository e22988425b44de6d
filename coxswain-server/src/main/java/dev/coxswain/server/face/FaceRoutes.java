package dev.coxswain.server.face;

import dev.coxswain.server.auth.GuardedRoute;
import dev.coxswain.server.http.RouteTable;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import java.util.function.Predicate;

import static dev.coxswain.server.http.RouteTable.Access.AUTHENTICATED;

/** One face's routes in the {@link RouteTable}: every one authenticated and wrapped by the face's guard. */
public final class FaceRoutes {
    private final RouteTable.Face table;
    private final FaceGuard<?> guard;

    public FaceRoutes(RouteTable table, String face, FaceGuard<?> guard) {
        this.table = table.face(face);
        this.guard = guard;
    }

    public FaceRoutes get(String path, FaceAccess access, GuardedRoute route) {
        return add(Method.GET, path, access, route);
    }

    public FaceRoutes post(String path, FaceAccess access, GuardedRoute route) {
        return add(Method.POST, path, access, route);
    }

    public FaceRoutes put(String path, FaceAccess access, GuardedRoute route) {
        return add(Method.PUT, path, access, route);
    }

    public FaceRoutes delete(String path, FaceAccess access, GuardedRoute route) {
        return add(Method.DELETE, path, access, route);
    }

    public FaceRoutes add(Method method, String path, FaceAccess access, GuardedRoute route) {
        table.add(method, path, AUTHENTICATED, guard.guard(access, route));
        return this;
    }

    /** A route that serves only what {@code serves} accepts (see {@link RouteTable.Face#add(Method, String, RouteTable.Access, Predicate, Handler)}). */
    public FaceRoutes add(Method method, String path, Predicate<ServerRequest> serves, FaceAccess access, GuardedRoute route) {
        table.add(method, path, AUTHENTICATED, serves, guard.guard(access, route));
        return this;
    }

    /** A catch-all answer of this face (its 404); not a documented route. */
    public FaceRoutes fallback(String pathPattern, Handler h) {
        table.fallback(pathPattern, h);
        return this;
    }
}
