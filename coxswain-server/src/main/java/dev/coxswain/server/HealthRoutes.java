package dev.coxswain.server;

import dev.coxswain.core.Json;
import dev.coxswain.core.store.Database;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.HttpRouting;

/**
 * Open (unauthenticated) probes: {@code /health} and {@code /health/live} say the process answers;
 * {@code /health/ready} also checks the store. They reveal nothing but up/down.
 */
final class HealthRoutes {
    private final Database db;

    HealthRoutes(Database db) {
        this.db = db;
    }

    void register(HttpRouting.Builder r) {
        r.get("/health", (req, res) -> Respond.json(res, 200, Json.object().put("status", "ok")))
                .get("/health/live", (req, res) -> Respond.json(res, 200, Json.object().put("status", "ok")))
                .get("/health/ready", (req, res) -> {
                    boolean ok = db.healthy();
                    Respond.json(res, ok ? 200 : 503, Json.object().put("status", ok ? "ok" : "unavailable"));
                });
    }
}
