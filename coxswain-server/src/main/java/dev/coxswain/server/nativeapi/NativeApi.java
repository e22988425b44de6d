package dev.coxswain.server.nativeapi;

import dev.coxswain.core.connection.ConnectionService;
import dev.coxswain.core.node.Engine;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.face.FaceCreates;
import dev.coxswain.server.face.FaceGuard;
import dev.coxswain.server.face.FaceRoutes;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.RouteTable;

import static dev.coxswain.server.nativeapi.NativeGuard.Access.ADMIN;
import static dev.coxswain.server.nativeapi.NativeGuard.Access.READ;
import static dev.coxswain.server.nativeapi.NativeGuard.Access.WRITE;

/**
 * The native face: the distributed task scheduler API of
 * {@code seeds/distributed-task-scheduler-api.md}, mounted at {@code /api}.
 */
public final class NativeApi {
    static final String FACE = "native";
    private final FaceGuard<NativeError> guard;
    private final NativeTaskRoutes tasks;
    private final NativeWorkerRoutes workers;
    private final NativeDeviceRoutes devices;
    private final NativeSystemRoutes system;
    private final NativeWorkflowSecretRoutes workflowSecret;
    private final NativeKeyRoutes keys;
    private final NativeWebhookRoutes webhooks;
    private final NativeScheduleRoutes schedules;
    private final NativeConnectionRoutes connections;
    private final NativeBlueprintRoutes blueprints;
    private final NativeJobRoutes jobs;

    public NativeApi(Engine engine, ConnectionService connections, Gatekeeper gate, Bodies bodies, String version,
                     String nodeName) {
        this.guard = new FaceGuard<>(FACE, gate, new NativeErrors(), NativeGuard::checkVersion);
        FaceCreates creates = new FaceCreates(engine.idempotency(), guard.errors());
        this.connections = new NativeConnectionRoutes(connections, bodies, creates);
        this.keys = new NativeKeyRoutes(engine.apiKeys(), engine.quotas(), bodies, creates);
        this.webhooks = new NativeWebhookRoutes(engine.webhooks(), bodies, creates);
        this.schedules = new NativeScheduleRoutes(engine.schedules(), bodies, creates);
        this.tasks = new NativeTaskRoutes(engine.tasks(), engine.workers(), bodies, creates);
        this.workers = new NativeWorkerRoutes(engine.workers());
        this.devices = new NativeDeviceRoutes(engine.devices());
        this.system = new NativeSystemRoutes(engine.system(), version, nodeName);
        this.blueprints = new NativeBlueprintRoutes(engine.workflows(), bodies);
        this.jobs = new NativeJobRoutes(engine.workflows(), bodies);
        this.workflowSecret = new NativeWorkflowSecretRoutes(engine.workflowWebhookSecret());
    }

    public void register(RouteTable table) {
        new FaceRoutes(table, FACE, guard).get("/api/tasks", READ, tasks::list)
                .post("/api/tasks", WRITE, tasks::create)
                .get("/api/tasks/{id}", READ, tasks::get)
                .put("/api/tasks/{id}", WRITE, tasks::update)
                .delete("/api/tasks/{id}", WRITE, tasks::delete)
                .post("/api/tasks/{id}/cancel", WRITE, tasks::cancel)
                .post("/api/tasks/{id}/retry", WRITE, tasks::retry)
                .get("/api/tasks/{id}/logs", READ, tasks::logs)
                .post("/api/tasks/{id}/checkpoint", WRITE, tasks::checkpoint)
                .get("/api/workers", READ, workers::list)
                .get("/api/workers/{id}", READ, workers::get)
                .get("/api/workers/{id}/tasks", READ, workers::tasks)
                .get("/api/devices", READ, devices::list)
                .get("/api/devices/{serial}", READ, devices::get)
                .get("/api/system/status", READ, system::status)
                .get("/api/system/metrics", READ, system::metrics)
                .get("/api/system/workflow-webhook-secret", ADMIN, workflowSecret::get)
                .post("/api/system/workflow-webhook-secret/rotate", ADMIN, workflowSecret::rotate)
                .get("/api/keys", ADMIN, keys::list)
                .post("/api/keys", ADMIN, keys::create)
                .get("/api/keys/{id}", ADMIN, keys::get)
                .put("/api/keys/{id}", ADMIN, keys::update)
                .delete("/api/keys/{id}", ADMIN, keys::revoke)
                .get("/api/webhooks", ADMIN, webhooks::list)
                .post("/api/webhooks", ADMIN, webhooks::create)
                .get("/api/webhooks/{id}", ADMIN, webhooks::get)
                .put("/api/webhooks/{id}", ADMIN, webhooks::update)
                .delete("/api/webhooks/{id}", ADMIN, webhooks::delete)
                .get("/api/webhooks/{id}/deliveries", ADMIN, webhooks::deliveries)
                .get("/api/schedules", READ, schedules::list)
                .post("/api/schedules", WRITE, schedules::create)
                .post("/api/schedules/validate", READ, schedules::validate)
                .get("/api/schedules/{id}", READ, schedules::get)
                .put("/api/schedules/{id}", WRITE, schedules::update)
                .delete("/api/schedules/{id}", WRITE, schedules::delete)
                .post("/api/schedules/{id}/pause", WRITE, schedules::pause)
                .post("/api/schedules/{id}/resume", WRITE, schedules::resume)
                .post("/api/schedules/{id}/run", WRITE, schedules::run)
                .get("/api/schedules/{id}/runs", READ, schedules::runs)
                .get("/api/connections", READ, connections::list)
                .post("/api/connections", ADMIN, connections::create)
                .get("/api/connections/{id}", READ, connections::get)
                .put("/api/connections/{id}", ADMIN, connections::update)
                .delete("/api/connections/{id}", ADMIN, connections::delete)
                .post("/api/connections/{id}/test", ADMIN, connections::test)
                // Workflows: blueprints (registered by an admin) and the jobs that run them.
                .get("/api/blueprints", READ, blueprints::list)
                .post("/api/blueprints", ADMIN, blueprints::create)
                .get("/api/blueprints/{name}", READ, blueprints::get)
                .get("/api/blueprints/{name}/versions", READ, blueprints::versions)
                .get("/api/blueprints/{name}/graph", READ, blueprints::graph)
                .post("/api/blueprints/{name}/jobs", WRITE, jobs::start)
                .get("/api/jobs", READ, jobs::list)
                .get("/api/jobs/{id}", READ, jobs::get)
                .get("/api/jobs/{id}/history", READ, jobs::history)
                .post("/api/jobs/{id}/cancel", WRITE, jobs::cancel)
                .post("/api/jobs/{id}/decision", WRITE, jobs::decide);
    }

    /** Registers the native 404 for the rest of {@code /api}; call after every face under /api. */
    public static void registerFallback(RouteTable table) {
        table.face(FACE).fallback("/api/*", (req, res) -> FaceGuard.write(res, NativeGuard.notFound(req)));
    }
}
