package dev.coxswain.server;

import dev.coxswain.core.Json;
import dev.coxswain.core.store.Database;
import dev.coxswain.server.http.Respond;
import dev.coxswain.server.http.RouteTable;
import static dev.coxswain.server.http.RouteTable.Access.OPEN;

/**
 * Open (unauthenticated) probes: {@code /health} and {@code /health/live} say the process answers;
 * {@code /health/ready} also checks the store. They reveal nothing but up/down, and are never
 * rate-limited: behind a proxy all clients share one address, and clients guessing keys must not
 * make the probes fail.
 */
final class HealthRoutes {
    private final Database db;

    HealthRoutes(Database db) {
        this.db = db;
    }

    void register(RouteTable table) {
        table.face("health")
                .get("/health", OPEN, (req, res) -> Respond.json(res, 200, Json.object().put("status", "ok")))
                .get("/health/live", OPEN, (req, res) -> Respond.json(res, 200, Json.object().put("status", "ok")))
                .get("/health/ready", OPEN, (req, res) -> {
                    boolean ok = db.healthy();
                    Respond.json(res, ok ? 200 : 503, Json.object().put("status", ok ? "ok" : "unavailable"));
                });
    }
}
