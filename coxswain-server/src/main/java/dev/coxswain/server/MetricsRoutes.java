package dev.coxswain.server;

import dev.coxswain.server.http.RouteTable;
import dev.coxswain.server.metrics.ServerMetrics;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import static dev.coxswain.server.http.RouteTable.Access.OPEN;

/**
 * {@code /metrics} (and the orchestrator face's {@code /_public/metrics}) in the Prometheus text
 * format. Open, as Prometheus scrapers expect; it carries counts, task types and route templates,
 * never task names, payloads or credentials. The server binds to 127.0.0.1 unless told otherwise.
 * Not rate-limited: a refused scrape looks like a dead target to Prometheus, and behind a proxy the
 * scraper would share its bucket with every client. A scrape costs one status query.
 */
final class MetricsRoutes {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;

    MetricsRoutes(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    void register(RouteTable table) {
        table.face("metrics")
                .get("/metrics", OPEN, this::scrape)
                .get("/_public/metrics", OPEN, this::scrape);
    }

    private void scrape(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.send(metrics.scrape());
    }
}
