package dev.coxswain.server.http;

import dev.coxswain.server.metrics.ServerMetrics;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import dev.coxswain.server.ratelimit.RateLimitHeaders;
import dev.coxswain.server.ratelimit.RateLimiter;
import java.util.function.Function;
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
    private final Function<ServerRequest, RateLimiter.Decision> openLimiter;
    private final List<Route> routes = new ArrayList<>();

    /**
     * @param openLimiter charges a request to an open route (no credential) to its client
     *                    address's bucket; null decisions mean "not limited"
     */
    public RouteTable(HttpRouting.Builder routing, ServerMetrics metrics,
                      Function<ServerRequest, RateLimiter.Decision> openLimiter) {
        this.routing = routing;
        this.metrics = metrics;
        this.openLimiter = openLimiter;
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
            routing.route(m, path, timed(name, m.text(), path, access == Access.OPEN ? limited(h) : h));
            return this;
        }

        /** A catch-all answer (e.g. the face's own 404); not a documented route. */
        public Face fallback(String pathPattern, Handler h) {
            routing.any(pathPattern, timed(name, "ANY", pathPattern, h));
            return this;
        }
    }

    /**
     * Open routes are limited per client address; the refusal is the small JSON most clients of
     * open endpoints understand ({@code {"error":"Too Many Requests"}}, as the orchestrator sends).
     */
    private Handler limited(Handler h) {
        return (req, res) -> {
            RateLimiter.Decision d = openLimiter.apply(req);
            RateLimitHeaders.apply(res, d);
            if (d != null && !d.allowed()) {
                Respond.json(res, 429, dev.coxswain.core.Json.object().put("error", "Too Many Requests"));
                return;
            }
            h.handle(req, res);
        };
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
