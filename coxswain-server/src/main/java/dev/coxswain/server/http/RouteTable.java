package dev.coxswain.server.http;

import dev.coxswain.server.metrics.ServerMetrics;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every route the server answers, registered in one place: it goes into Helidon's routing wrapped
 * with the HTTP metrics (face, route template, status), and stays listed so that the OpenAPI
 * document and the "no route is open by accident" test can be checked against the real table.
 */
public final class RouteTable {
    /** Whether a route needs a credential. */
    public enum Access { OPEN, AUTHENTICATED }

    public record Route(String face, Method method, String path, Access access) {
    }

    private final HttpRouting.Builder routing;
    private final ServerMetrics metrics;
    private final List<Route> routes = new ArrayList<>();

    public RouteTable(HttpRouting.Builder routing, ServerMetrics metrics) {
        this.routing = routing;
        this.metrics = metrics;
    }

    /** A face's view of the table: the face name is filled in. */
    public Face face(String name) {
        return new Face(name);
    }

    public final class Face {
        private final String name;

        private Face(String name) {
            this.name = name;
        }

        public Face get(String path, Access access, Handler h) {
            return add(Method.GET, path, access, h);
        }

        public Face post(String path, Access access, Handler h) {
            return add(Method.POST, path, access, h);
        }

        public Face put(String path, Access access, Handler h) {
            return add(Method.PUT, path, access, h);
        }

        public Face delete(String path, Access access, Handler h) {
            return add(Method.DELETE, path, access, h);
        }

        public Face add(Method m, String path, Access access, Handler h) {
            routes.add(new Route(name, m, path, access));
            routing.route(m, path, timed(name, m.text(), path, h));
            return this;
        }

        /** A catch-all answer (e.g. the face's own 404); not a documented route. */
        public Face fallback(String pathPattern, Handler h) {
            routing.any(pathPattern, timed(name, "ANY", pathPattern, h));
            return this;
        }
    }

    private Handler timed(String face, String method, String path, Handler h) {
        return (req, res) -> {
            long t0 = System.nanoTime();
            try {
                h.handle(req, res);
            } finally {
                metrics.httpRequest(face, method, path, res.status().code(), System.nanoTime() - t0);
            }
        };
    }

    public List<Route> routes() {
        return Collections.unmodifiableList(routes);
    }
}
