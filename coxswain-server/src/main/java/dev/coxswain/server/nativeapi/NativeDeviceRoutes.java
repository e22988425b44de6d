package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.remote.DeviceRegistry;
import dev.coxswain.core.remote.DeviceRegistry.DeviceView;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code /api/devices…}: the devices remote workers declare, each with the worker that owns it,
 * whether it is online and the task it runs. A farm has hundreds of devices, not millions, so the
 * list is filtered and paged here from the registry's one read.
 */
final class NativeDeviceRoutes {
    private final DeviceRegistry devices;

    NativeDeviceRoutes(DeviceRegistry devices) {
        this.devices = devices;
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        String worker = p.string("worker_id");
        Boolean online = online(p.string("online"));
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        List<DeviceView> all = devices.list().stream()
                .filter(d -> worker == null || worker.equals(d.workerId()))
                .filter(d -> online == null || online == d.online())
                .sorted(Comparator.comparing(DeviceView::serial))
                .toList();
        int from = Math.min(all.size(), NativeParams.offset(page, limit));
        Page<DeviceView> result = new Page<>(all.subList(from, Math.min(all.size(), from + limit)), all.size());
        Respond.json(res, 200, NativeJson.pageOf(result, NativeDeviceRoutes::device, page, limit));
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        String serial = req.path().pathParameters().get("serial");
        DeviceView d = NativeTaskRequest.hasNul(serial) ? null : devices.find(serial).orElse(null);
        if (d == null) throw NativeError.notFound("device " + serial + " not found");
        Respond.json(res, 200, NativeJson.data(device(d)));
    }

    private static Boolean online(String s) {
        if (s == null) return null;
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw NativeError.badParam("online", "online must be true or false");
        };
    }

    static ObjectNode device(DeviceView d) {
        ObjectNode n = Json.object();
        n.put("serial", d.serial());
        n.put("worker_id", d.workerId());
        n.put("type", d.type());
        n.put("model", d.model());
        n.set("properties", d.properties() != null && d.properties().isObject() ? d.properties() : Json.object());
        ArrayNode accounts = n.putArray("accounts");
        d.accounts().forEach(accounts::add);
        n.put("present", d.present());
        n.put("online", d.online());
        n.put("current_task_id", d.currentTaskId() == null ? null : NativeJson.taskId(d.currentTaskId()));
        n.put("first_seen_at", NativeJson.time(d.firstSeenAt()));
        n.put("last_seen_at", NativeJson.time(d.lastSeenAt()));
        return n;
    }
}
