package dev.coxswain.server.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.device.BatchDeleted;
import dev.coxswain.core.device.Created;
import dev.coxswain.core.device.DeviceTask;
import dev.coxswain.core.device.License;
import dev.coxswain.core.device.Stats;
import dev.coxswain.core.domain.Page;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Renders the service's results in the device face's shapes: the envelope {@code {code: 0,
 * message: "success", data}}, plain integer ids, and times as {@code YYYY-MM-DD HH:MM:SS} local
 * to the configured zone, as the product shows them.
 */
final class DeviceJson {
    private final DateTimeFormatter time;

    DeviceJson(ZoneId zone) {
        this.time = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(zone);
    }

    static ObjectNode success(JsonNode data) {
        ObjectNode n = Json.object();
        n.put("code", DeviceCode.SUCCESS.code);
        n.put("message", "success");
        n.set("data", data);
        return n;
    }

    String time(Instant t) {
        return t == null ? null : time.format(t);
    }

    ObjectNode task(DeviceTask t) {
        ObjectNode n = Json.object();
        n.put("id", t.id());
        n.put("serial", t.serial());
        n.put("script_name", t.scriptName());
        n.set("script_config", t.scriptConfig() != null && t.scriptConfig().isObject() ? t.scriptConfig() : Json.object());
        n.put("username", t.username());
        n.put("status", t.status());
        n.put("start_time", time(t.startTime()));
        n.put("end_time", time(t.endTime()));
        n.put("remark", t.remark() == null ? "" : t.remark());
        n.put("source", t.source());
        n.put("retry_count", t.retryCount());
        n.put("created_at", time(t.createdAt()));
        return n;
    }

    ObjectNode page(Page<DeviceTask> p, DeviceListQuery q) {
        ObjectNode n = Json.object();
        ArrayNode list = n.putArray("list");
        for (DeviceTask t : p.items()) list.add(task(t));
        n.put("total", p.total());
        n.put("page", q.page());
        n.put("page_size", q.pageSize());
        return n;
    }

    static ObjectNode created(Created c) {
        ObjectNode n = Json.object();
        ArrayNode ids = n.putArray("task_ids");
        c.taskIds().forEach(ids::add);
        n.put("created_count", c.taskIds().size());
        return n;
    }

    static ObjectNode deleted(BatchDeleted d) {
        ObjectNode n = Json.object();
        n.put("deleted_count", d.deleted().size());
        ArrayNode ids = n.putArray("task_ids");
        d.deleted().forEach(ids::add);
        ArrayNode missing = n.putArray("not_found");
        d.notFound().forEach(missing::add);
        return n;
    }

    static ObjectNode deleted(long id) {
        return Json.object().put("task_id", id);
    }

    static ObjectNode retried(int count) {
        return Json.object().put("retried_count", count);
    }

    static ObjectNode stats(Stats s) {
        return Json.object().put("total", s.total()).put("pending", s.pending()).put("running", s.running())
                .put("completed", s.completed()).put("failed", s.failed());
    }

    /** {@code device_limit} and {@code max_concurrent_tasks} are null when the plan sets no limit. */
    static ObjectNode license(License l) {
        ObjectNode n = Json.object();
        n.put("plan_name", l.planName());
        n.put("api_enabled", l.apiEnabled());
        n.put("device_limit", l.deviceLimit());
        n.put("max_concurrent_tasks", l.concurrency());
        n.put("message", l.message());
        return n;
    }
}
