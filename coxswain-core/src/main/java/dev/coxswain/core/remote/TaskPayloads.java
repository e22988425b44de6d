package dev.coxswain.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.store.SealedEnv;
import java.time.Instant;

/**
 * Renders a claimed attempt as the protocol's TaskPayload. Every time is a JSON integer: the SDK
 * parses {@code timestamp} and {@code deadline} as {@code int} and stops polling for good on a float.
 */
final class TaskPayloads {
    private final SealedEnv env;

    TaskPayloads(SealedEnv env) {
        this.env = env;
    }

    ObjectNode render(Task t, Instant now) {
        ObjectNode n = Json.object();
        n.put("job_id", WireIds.jobId(t.id()));
        n.put("task_id", WireIds.taskId(t.id(), t.attempt()));
        n.put("type", t.type());
        n.set("params", params(t));
        n.putObject("tracing_context");
        n.put("priority", t.priority());
        n.put("timestamp", now.getEpochSecond());
        Instant started = t.startedAt() == null ? now : t.startedAt();
        n.put("deadline", started.getEpochSecond() + t.timeoutSeconds());
        ObjectNode meta = n.putObject("metadata");
        meta.put("coxswain_task", WireIds.jobId(t.id()));
        meta.put("attempt", t.attempt());
        meta.put("name", t.name());
        meta.put("timeout_seconds", t.timeoutSeconds());
        if (t.checkpointData() != null && !t.checkpointData().isNull()) meta.set("checkpoint", t.checkpointData());
        return n;
    }

    /**
     * What the worker's handler gets: the payload's {@code params} for a skill task; for a built-in
     * type (a {@code shell} command run by a remote shell worker) the payload itself, its
     * environment opened — the worker needs the values to run the command.
     */
    private JsonNode params(Task t) {
        JsonNode p = t.payload();
        if (p == null || !p.isObject()) return Json.object();
        if (p.has("params")) {
            JsonNode params = p.get("params");
            return params != null && params.isObject() ? params : Json.object();
        }
        ObjectNode copy = ((ObjectNode) env.openIfPossible(p)).deepCopy();
        copy.remove("requirements");
        return copy;
    }
}
