package dev.coxswain.server.nativeapi;

import dev.coxswain.core.connection.ConnectionService;
import dev.coxswain.core.node.Engine;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.RouteTable;

import static dev.coxswain.server.http.RouteTable.Access.AUTHENTICATED;
import static dev.coxswain.server.nativeapi.NativeGuard.Access.ADMIN;
import static dev.coxswain.server.nativeapi.NativeGuard.Access.READ;
import static dev.coxswain.server.nativeapi.NativeGuard.Access.WRITE;

/**
 * The native face: the distributed task scheduler API of
 * {@code seeds/distributed-task-scheduler-api.md}, mounted at {@code /api}.
 */
public final class NativeApi {
    private static final RouteTable.Access AUTH = AUTHENTICATED;
    private final NativeGuard guard;
    private final NativeTaskRoutes tasks;
    private final NativeWorkerRoutes workers;
    private final NativeSystemRoutes system;
    private final NativeKeyRoutes keys;
    private final NativeWebhookRoutes webhooks;
    private final NativeScheduleRoutes schedules;
    private final NativeConnectionRoutes connections;

    public NativeApi(Engine engine, ConnectionService connections, Gatekeeper gate, Bodies bodies, String version,
                     String nodeName) {
        this.connections = new NativeConnectionRoutes(connections, bodies);
        this.guard = new NativeGuard(gate);
        this.keys = new NativeKeyRoutes(engine.apiKeys(), bodies);
        this.webhooks = new NativeWebhookRoutes(engine.webhooks(), bodies);
        this.schedules = new NativeScheduleRoutes(engine.schedules(), bodies);
        this.tasks = new NativeTaskRoutes(engine.tasks(), bodies);
        this.workers = new NativeWorkerRoutes(engine.workers());
        this.system = new NativeSystemRoutes(engine.system(), version, nodeName);
    }

    public void register(RouteTable table) {
        RouteTable.Face r = table.face("native");
        r.get("/api/tasks", AUTH, guard.guard(READ, tasks::list))
                .post("/api/tasks", AUTH, guard.guard(WRITE, tasks::create))
                .get("/api/tasks/{id}", AUTH, guard.guard(READ, tasks::get))
                .put("/api/tasks/{id}", AUTH, guard.guard(WRITE, tasks::update))
                .delete("/api/tasks/{id}", AUTH, guard.guard(WRITE, tasks::delete))
                .post("/api/tasks/{id}/cancel", AUTH, guard.guard(WRITE, tasks::cancel))
                .post("/api/tasks/{id}/retry", AUTH, guard.guard(WRITE, tasks::retry))
                .get("/api/tasks/{id}/logs", AUTH, guard.guard(READ, tasks::logs))
                .post("/api/tasks/{id}/checkpoint", AUTH, guard.guard(WRITE, tasks::checkpoint))
                .get("/api/workers", AUTH, guard.guard(READ, workers::list))
                .get("/api/workers/{id}", AUTH, guard.guard(READ, workers::get))
                .get("/api/workers/{id}/tasks", AUTH, guard.guard(READ, workers::tasks))
                .get("/api/system/status", AUTH, guard.guard(READ, system::status))
                .get("/api/system/metrics", AUTH, guard.guard(READ, system::metrics))
                .get("/api/keys", AUTH, guard.guard(ADMIN, keys::list))
                .post("/api/keys", AUTH, guard.guard(ADMIN, keys::create))
                .get("/api/keys/{id}", AUTH, guard.guard(ADMIN, keys::get))
                .put("/api/keys/{id}", AUTH, guard.guard(ADMIN, keys::update))
                .delete("/api/keys/{id}", AUTH, guard.guard(ADMIN, keys::revoke))
                .get("/api/webhooks", AUTH, guard.guard(ADMIN, webhooks::list))
                .post("/api/webhooks", AUTH, guard.guard(ADMIN, webhooks::create))
                .get("/api/webhooks/{id}", AUTH, guard.guard(ADMIN, webhooks::get))
                .put("/api/webhooks/{id}", AUTH, guard.guard(ADMIN, webhooks::update))
                .delete("/api/webhooks/{id}", AUTH, guard.guard(ADMIN, webhooks::delete))
                .get("/api/webhooks/{id}/deliveries", AUTH, guard.guard(ADMIN, webhooks::deliveries))
                .get("/api/schedules", AUTH, guard.guard(READ, schedules::list))
                .post("/api/schedules", AUTH, guard.guard(WRITE, schedules::create))
                .post("/api/schedules/validate", AUTH, guard.guard(READ, schedules::validate))
                .get("/api/schedules/{id}", AUTH, guard.guard(READ, schedules::get))
                .put("/api/schedules/{id}", AUTH, guard.guard(WRITE, schedules::update))
                .delete("/api/schedules/{id}", AUTH, guard.guard(WRITE, schedules::delete))
                .post("/api/schedules/{id}/pause", AUTH, guard.guard(WRITE, schedules::pause))
                .post("/api/schedules/{id}/resume", AUTH, guard.guard(WRITE, schedules::resume))
                .post("/api/schedules/{id}/run", AUTH, guard.guard(WRITE, schedules::run))
                .get("/api/schedules/{id}/runs", AUTH, guard.guard(READ, schedules::runs))
                .get("/api/connections", AUTH, guard.guard(READ, connections::list))
                .post("/api/connections", AUTH, guard.guard(ADMIN, connections::create))
                .get("/api/connections/{id}", AUTH, guard.guard(READ, connections::get))
                .put("/api/connections/{id}", AUTH, guard.guard(ADMIN, connections::update))
                .delete("/api/connections/{id}", AUTH, guard.guard(ADMIN, connections::delete))
                .post("/api/connections/{id}/test", AUTH, guard.guard(ADMIN, connections::test));
    }

    /** Registers the native 404 for the rest of {@code /api}; call after every face under /api. */
    public static void registerFallback(RouteTable table) {
        table.face("native").fallback("/api/*", NativeGuard.notFound());
    }
}
