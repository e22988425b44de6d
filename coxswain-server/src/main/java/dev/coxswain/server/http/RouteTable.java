package dev.coxswain.server.http;

import dev.coxswain.server.metrics.ServerMetrics;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import dev.coxswain.server.ratelimit.RateLimitHeaders;
import dev.coxswain.server.ratelimit.RateLimiter;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every route the server answers, registered in one place: it goes into Helidon's routing wrapped
 * with the HTTP metrics (face, route template, status), and stays listed so that the OpenAPI
 * document and the "no route is open by accident" test can be checked against the real table.
 */
public final class RouteTable {
    /**
     * Whether a route needs a credential. Open routes are not rate-limited unless their face says
     * how to refuse ({@link Face#limitedPerAddress}): health probes and the Prometheus scrape must
     * answer even when clients behind one proxy address have used up its bucket.
     */
    public enum Access { OPEN, AUTHENTICATED }

    /** Writes a face's own 429 for an open route whose client address is over its limit. */
    @FunctionalInterface
    public interface Refusal {
        void refuse(ServerResponse res, RateLimiter.Decision d);
    }

    /**
     * @param documented part of the HTTP API (and so of {@code /openapi.json}); false for the
     *                   dashboard's pages, which are HTML for browsers, not an API
     */
    public record Route(String face, Method method, String path, Access access, boolean documented) {
    }

    private static final Predicate<ServerRequest> ALL = req -> true;
    private static final java.util.regex.Pattern REST_OF_PATH = java.util.regex.Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\.\\.\\.}");

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
        private Refusal refusal;
        private boolean documented = true;

        private Face(String name) {
            this.name = name;
        }

        /**
         * Charges this face's open routes (registered after this call) to the client address's
         * bucket; over the limit, {@code refusal} answers in the face's own format.
         */
        public Face limitedPerAddress(Refusal refusal) {
            this.refusal = refusal;
            return this;
        }

        /** This face's routes are pages for browsers: listed and timed, but not part of the API document. */
        public Face pages() {
            this.documented = false;
            return this;
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

        /**
         * A template segment {@code {name...}} matches the rest of the path, slashes included
         * (Helidon's {@code {+name}}); it is listed and documented as {@code {name}}, since
         * OpenAPI has no such parameter.
         */
        public Face add(Method m, String path, Access access, Handler h) {
            return add(m, path, access, ALL, h);
        }

        /**
         * A route that serves only the requests {@code serves} accepts; any other request matching
         * its template goes on to the routes registered after it, as if this one did not exist (it
         * is not timed either). Two faces share a path this way (the orchestrator's UUID jobs
         * under Chadburn's {@code /api/v1/jobs/{id}}).
         */
        public Face add(Method m, String path, Access access, Predicate<ServerRequest> serves, Handler h) {
            String listed = REST_OF_PATH.matcher(path).replaceAll("{$1}");
            routes.add(new Route(name, m, listed, access, documented));
            Handler timed = timed(name, m.text(), listed, access == Access.OPEN && refusal != null ? limited(h, refusal) : h);
            routing.route(m, REST_OF_PATH.matcher(path).replaceAll("{+$1}"), serves == ALL ? timed : (req, res) -> {
                if (serves.test(req)) timed.handle(req, res);
                else res.next();
            });
            return this;
        }

        /** A catch-all answer (e.g. the face's own 404); not a documented route. */
        public Face fallback(String pathPattern, Handler h) {
            routing.any(pathPattern, timed(name, "ANY", pathPattern, h));
            return this;
        }
    }

    /** An open route limited per client address, refused in its face's format. */
    private Handler limited(Handler h, Refusal refusal) {
        return (req, res) -> {
            RateLimiter.Decision d = openLimiter.apply(req);
            RateLimitHeaders.apply(res, d);
            if (d != null && !d.allowed()) {
                refusal.refuse(res, d);
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
