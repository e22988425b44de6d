package dev.coxswain.server.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Worker;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.remote.WireIds;
import dev.coxswain.core.service.WorkerService;
import java.util.ArrayList;
import java.util.List;

/**
 * The live workers as the orchestrator's {@code GET /workers} lists them (research §17): each
 * worker's record as it reported it at registration and in its heartbeats (type, resources,
 * software, artifacts, capabilities, status, usage, available and hot skills, metadata), with its
 * {@code worker_id}, {@code supported_skills}, the tasks it runs ({@code current_tasks} and
 * {@code _internal_load}, the original's dispatched-not-finished count) and the epoch second of
 * its last heartbeat ({@code timestamp}). The node's own local workers are listed too, with what
 * Coxswain knows of them. Coxswain keeps no reputation, so there is none; signatures and the
 * body's {@code security} are never kept, so never shown.
 */
final class WorkerRecords {
    /** More live workers than any cluster has; a bound, so one request cannot read without end. */
    static final int MAX = 10_000;

    private final WorkerService workers;

    WorkerRecords(WorkerService workers) {
        this.workers = workers;
    }

    /** Every worker that is not offline, busiest first. */
    List<Worker> live() {
        List<Worker> out = new ArrayList<>(workers.list(WorkerStatus.ACTIVE, 0, MAX).items());
        out.addAll(workers.list(WorkerStatus.IDLE, 0, MAX).items());
        return out;
    }

    long liveCount() {
        return workers.list(WorkerStatus.ACTIVE, 0, 1).total() + workers.list(WorkerStatus.IDLE, 0, 1).total();
    }

    ArrayNode render() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Worker w : live()) out.add(record(w));
        return out;
    }

    static ObjectNode record(Worker w) {
        ObjectNode n = w.info() instanceof ObjectNode reported ? reported.deepCopy() : Json.object();
        n.put("worker_id", w.id());
        n.set("supported_skills", w.skills() != null && w.skills().isArray() ? w.skills().deepCopy() : Json.MAPPER.createArrayNode());
        JsonNode status = n.get("status");
        if (status == null || !status.isTextual()) n.put("status", w.status().wire());
        n.put("kind", w.kind());
        n.put("hostname", w.hostname());
        ArrayNode tasks = n.putArray("current_tasks");
        w.currentTaskIds().forEach(id -> tasks.add(WireIds.jobId(id)));
        n.put("_internal_load", w.currentTaskIds().size());
        if (w.lastHeartbeat() != null) n.put("timestamp", w.lastHeartbeat().getEpochSecond());
        return n;
    }
}
