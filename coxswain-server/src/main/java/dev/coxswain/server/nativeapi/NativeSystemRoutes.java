package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.service.SystemService;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code /api/system/status} and {@code /api/system/metrics}, computed from the store. */
final class NativeSystemRoutes {
    private final SystemService system;
    private final String version;
    private final String nodeName;

    NativeSystemRoutes(SystemService system, String version, String nodeName) {
        this.system = system;
        this.version = version;
        this.nodeName = nodeName;
    }

    void status(ServerRequest req, ServerResponse res, Principal who) {
        SystemService.Status s = system.status();
        long active = s.workers().getOrDefault(WorkerStatus.ACTIVE, 0L);
        long idle = s.workers().getOrDefault(WorkerStatus.IDLE, 0L);
        long offline = s.workers().getOrDefault(WorkerStatus.OFFLINE, 0L);
        long live = active + idle;
        String overall = !s.databaseHealthy() ? "unhealthy" : live == 0 ? "degraded" : "healthy";

        ObjectNode d = Json.object();
        d.put("status", overall);
        d.put("version", version);
        d.put("uptime", s.uptimeSeconds());
        ObjectNode c = d.putObject("components");
        // Every node runs the API, the scheduler duties and one local worker, so live local
        // workers count the nodes. Without a cluster this node leads its own scheduling.
        long nodes = Math.max(1, s.liveNodes());
        c.putObject("api_server").put("status", "healthy").put("instance_count", nodes);
        c.putObject("scheduler").put("status", s.databaseHealthy() ? "healthy" : "unhealthy")
                .put("leader_id", "scheduler-" + nodeName).put("instance_count", nodes);
        c.putObject("workers").put("status", live > 0 ? "healthy" : "degraded").put("active_count", active)
                .put("idle_count", idle).put("offline_count", offline);
        c.putObject("database").put("status", s.databaseHealthy() ? "healthy" : "unhealthy")
                .put("connection_count", s.connectionCount()).put("type", s.store());
        // Coxswain needs no Redis; the key stays so clients that read it keep working.
        c.putObject("redis").put("status", "not_used").putNull("memory_usage");
        ObjectNode ts = d.putObject("task_stats");
        ts.put("pending", s.tasks().getOrDefault(TaskStatus.PENDING, 0L) + s.tasks().getOrDefault(TaskStatus.QUEUED, 0L));
        ts.put("running", s.tasks().getOrDefault(TaskStatus.RUNNING, 0L));
        ts.put("completed_today", s.completedToday());
        ts.put("failed_today", s.failedToday());
        ObjectNode q = d.putObject("queue_depths");
        q.put("high_priority", s.queueDepths()[0]);
        q.put("normal_priority", s.queueDepths()[1]);
        q.put("low_priority", s.queueDepths()[2]);
        Respond.json(res, s.databaseHealthy() ? 200 : 503, NativeJson.data(d));
    }

    void metrics(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        String periodName = p.string("period");
        SystemService.Period period;
        try {
            period = periodName == null ? SystemService.Period.HOUR
                    : SystemService.Period.valueOf(periodName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw NativeError.badParam("period", "period must be one of hour, day, week, month");
        }
        List<String> names = new ArrayList<>();
        String m = p.string("metrics");
        if (m == null) {
            names.addAll(SystemService.METRICS);
        } else {
            for (String n : m.split(",")) {
                String name = n.trim();
                if (name.isEmpty()) continue;
                if (!SystemService.METRICS.contains(name)) {
                    throw NativeError.badParam("metrics", "unknown metric '" + name + "'; known: "
                            + String.join(", ", SystemService.METRICS));
                }
                if (!names.contains(name)) names.add(name);
            }
            if (names.isEmpty()) throw NativeError.badParam("metrics", "metrics must name at least one metric");
        }
        SystemService.Metrics result = system.metrics(period, names);
        ObjectNode body = Json.object();
        ObjectNode data = body.putObject("data");
        for (var e : result.series().entrySet()) {
            ArrayNode a = data.putArray(e.getKey());
            for (SystemService.Point pt : e.getValue()) {
                a.addObject().put("timestamp", NativeJson.time(pt.timestamp())).put("value", pt.value());
            }
        }
        body.putObject("meta").put("period", period.name().toLowerCase(Locale.ROOT))
                .put("start_time", NativeJson.time(result.start())).put("end_time", NativeJson.time(result.end()));
        Respond.json(res, 200, body);
    }
}
