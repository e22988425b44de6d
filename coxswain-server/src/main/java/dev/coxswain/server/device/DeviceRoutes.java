package dev.coxswain.server.device;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.device.DeviceTaskService;
import dev.coxswain.core.device.License;
import dev.coxswain.core.device.NoAccountsException;
import dev.coxswain.core.device.PlanRefusedException;
import dev.coxswain.core.device.ScriptNotSupportedException;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.server.auth.GuardedRoute;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The handlers of {@code /api/v1/task…} and {@code /api/v1/license/check}: read and check the
 * request, call {@link DeviceTaskService}, answer in the envelope. Every handler but the licence
 * check first asks the service whether the caller's plan has API access.
 */
final class DeviceRoutes {
    /** Tasks created through this API say so in {@code source}; the product's own UI says {@code ui}. */
    static final String SOURCE = "api";

    private final DeviceTaskService service;
    private final Bodies bodies;
    private final DeviceJson json;

    DeviceRoutes(DeviceTaskService service, Bodies bodies, DeviceJson json) {
        this.service = service;
        this.bodies = bodies;
        this.json = json;
    }

    /**
     * The route behind the plan check, with the device service's own refusals in the face's
     * codes; the guard knows only the exceptions every face shares.
     */
    GuardedRoute planned(GuardedRoute route) {
        return translated((req, res, who) -> {
            service.checkAccess(who);
            route.handle(req, res, who);
        });
    }

    static GuardedRoute translated(GuardedRoute route) {
        return (req, res, who) -> {
            try {
                route.handle(req, res, who);
            } catch (PlanRefusedException e) {
                throw new DeviceError(DeviceCode.PLAN_REFUSED, e.getMessage());
            } catch (ScriptNotSupportedException e) {
                throw new DeviceError(DeviceCode.SCRIPT_NOT_SUPPORTED, e.getMessage());
            } catch (NoAccountsException e) {
                throw new DeviceError(DeviceCode.NO_ACCOUNTS, e.getMessage());
            }
        };
    }

    void create(ServerRequest req, ServerResponse res, Principal who) {
        var request = DeviceTaskRequest.parse(bodies.readJson(req), SOURCE);
        ok(res, DeviceJson.created(service.create(who, request)));
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        DeviceListQuery q = DeviceListQuery.parse(name -> req.query().first(name).orElse(null));
        ok(res, json.page(service.list(q.status(), q.serial(), q.scriptName(), q.source(), q.page(), q.pageSize()), q));
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        ok(res, json.task(service.get(taskId(req))));
    }

    void delete(ServerRequest req, ServerResponse res, Principal who) {
        long id = taskId(req);
        service.delete(id);
        ok(res, DeviceJson.deleted(id));
    }

    void deleteBatch(ServerRequest req, ServerResponse res, Principal who) {
        ok(res, DeviceJson.deleted(service.deleteAll(DeviceTaskIds.batch(bodies.readJson(req)))));
    }

    void stop(ServerRequest req, ServerResponse res, Principal who) {
        ok(res, json.task(service.stop(taskId(req))));
    }

    void retry(ServerRequest req, ServerResponse res, Principal who) {
        ok(res, json.task(service.retry(taskId(req))));
    }

    void retryAll(ServerRequest req, ServerResponse res, Principal who) {
        ok(res, DeviceJson.retried(service.retryAll()));
    }

    void stats(ServerRequest req, ServerResponse res, Principal who) {
        ok(res, DeviceJson.stats(service.stats()));
    }

    /**
     * The plan's licence. A plan without API access is the product's 40301 and still carries the
     * licence as data, so a client learns the plan and why.
     */
    void license(ServerRequest req, ServerResponse res, Principal who) {
        License l = service.license(who);
        if (!l.apiEnabled()) throw new DeviceError(DeviceCode.PLAN_REFUSED, l.message(), DeviceJson.license(l));
        ok(res, DeviceJson.license(l));
    }

    private static long taskId(ServerRequest req) {
        return DeviceTaskIds.fromPath(req.path().pathParameters().first("task_id").orElse(null));
    }

    private static void ok(ServerResponse res, JsonNode data) {
        Respond.json(res, DeviceCode.SUCCESS.httpStatus(), DeviceJson.success(data));
    }
}
