package dev.coxswain.server.device;

import dev.coxswain.core.device.DeviceTaskService;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.face.FaceGuard;
import dev.coxswain.server.face.FaceRoutes;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.RouteTable;
import io.helidon.webserver.http.ServerRequest;
import java.time.ZoneId;

import static dev.coxswain.server.device.DeviceAccess.READ;
import static dev.coxswain.server.device.DeviceAccess.WRITE;

/**
 * The device face: the device task API of {@code seeds/device-task-api.ru.md} at
 * {@code /api/v1/task} and {@code /api/v1/license/check}. A device task is a native task routed
 * to the worker that owns its device, so each also shows in {@code /api/tasks}. Answers are
 * {@code {code, message, data}}; the HTTP status is the code's first three digits.
 */
public final class DeviceApi {
    public static final String FACE = "device";

    private final FaceGuard<DeviceError> guard;
    private final DeviceRoutes routes;

    /** @param zone the zone of the face's {@code YYYY-MM-DD HH:MM:SS} times */
    public DeviceApi(DeviceTaskService service, Gatekeeper gate, Bodies bodies, ZoneId zone) {
        this.guard = new FaceGuard<>(FACE, gate, new DeviceErrors(), FaceGuard.PreCheck.NONE);
        this.routes = new DeviceRoutes(service, bodies, new DeviceJson(zone));
    }

    /**
     * The face's routes and its 404 for the rest of its paths. Before Chadburn's catch-all for
     * {@code /api/v1/*}; the fixed paths under {@code /api/v1/task/} before {@code {task_id}}, so
     * {@code batch}, {@code stats} and {@code retry-all} are never read as ids.
     */
    public void register(RouteTable table) {
        new FaceRoutes(table, FACE, guard)
                .post("/api/v1/task", WRITE, routes.planned(routes::create))
                .get("/api/v1/task", READ, routes.planned(routes::list))
                .delete("/api/v1/task/batch", WRITE, routes.planned(routes::deleteBatch))
                .get("/api/v1/task/stats", READ, routes.planned(routes::stats))
                .post("/api/v1/task/retry-all", WRITE, routes.planned(routes::retryAll))
                .get("/api/v1/task/{task_id}", READ, routes.planned(routes::get))
                .delete("/api/v1/task/{task_id}", WRITE, routes.planned(routes::delete))
                .post("/api/v1/task/{task_id}/stop", WRITE, routes.planned(routes::stop))
                .post("/api/v1/task/{task_id}/retry", WRITE, routes.planned(routes::retry))
                .get("/api/v1/license/check", READ, DeviceRoutes.translated(routes::license))
                .fallback("/api/v1/task", guard.answer(DeviceApi::noRoute))
                .fallback("/api/v1/task/*", guard.answer(DeviceApi::noRoute))
                .fallback("/api/v1/license", guard.answer(DeviceApi::noRoute))
                .fallback("/api/v1/license/*", guard.answer(DeviceApi::noRoute));
    }

    private static DeviceError noRoute(ServerRequest req) {
        return DeviceError.notFound("no endpoint " + req.prologue().method().text() + " " + req.path().path());
    }
}
