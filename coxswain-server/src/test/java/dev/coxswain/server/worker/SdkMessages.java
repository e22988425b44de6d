package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The bodies the SDK sends, in the transcript's shapes (unsigned: the worker signs them). When
 * and why each is sent is {@link SdkReplayWorker}'s business; what it looks like is this one's.
 */
final class SdkMessages {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String workerId;
    private final String workerType;
    private final String hostname;
    private final String ipAddress;
    private final List<ReplaySkills.Skill> skills;
    private final List<ObjectNode> devices;
    private final Clock clock;
    private final String skillsHash;

    SdkMessages(String workerId, String workerType, String hostname, String ipAddress, List<ReplaySkills.Skill> skills, Clock clock) {
        this(workerId, workerType, hostname, ipAddress, skills, List.of(), clock);
    }

    /**
     * @param devices the {@code resources.devices} entries ({@code WORKER_DEVICES}), sent as given
     *                and only in the registration — the SDK never repeats them in a heartbeat
     */
    SdkMessages(String workerId, String workerType, String hostname, String ipAddress, List<ReplaySkills.Skill> skills,
                List<ObjectNode> devices, Clock clock) {
        this.devices = List.copyOf(devices);
        this.workerId = workerId;
        this.workerType = workerType;
        this.hostname = hostname;
        this.ipAddress = ipAddress;
        this.skills = List.copyOf(skills);
        this.clock = clock;
        this.skillsHash = CanonicalJson.sha256Hex(CanonicalJson.write(skillsHashInput()));
    }

    /** sha256 hex over the skills, cost_per_skill and the extra capabilities (what the server compares). */
    String skillsHash() {
        return skillsHash;
    }

    List<String> skillNames() {
        return skills.stream().map(ReplaySkills.Skill::name).toList();
    }

    /**
     * Like transcript #3; no {@code hot_skills} (omitted when empty), no {@code status}; the
     * devices, when the worker has any, in {@code resources.devices}.
     */
    ObjectNode registration() {
        ObjectNode r = NODES.objectNode();
        r.put("worker_id", workerId);
        r.put("worker_type", workerType);
        r.set("supported_skills", skillInfos());
        r.set("available_skills", names());
        ObjectNode resources = r.putObject("resources");
        resources.putObject("properties").put("cpu_cores", 4).put("ram_gb", 0);
        if (!devices.isEmpty()) {
            ArrayNode list = resources.putArray("devices");
            devices.forEach(d -> list.add(d.deepCopy()));
        }
        r.putObject("installed_software").put("python", "3.11");
        r.putArray("installed_artifacts");
        ObjectNode cap = r.putObject("capabilities");
        cap.put("hostname", hostname);
        cap.put("ip_address", ipAddress);
        cap.putObject("cost_per_skill");
        cap.putObject("extra").put("websockets", false);
        r.put("skills_hash", skillsHash);
        r.put("timestamp", now());
        return r;
    }

    /**
     * A heartbeat: {@code status} idle or full; {@code available_skills} unless full; the full
     * skill list only when asked (the server has not acknowledged this hash); usage when asked.
     */
    ObjectNode heartbeat(String status, Collection<String> currentTasks, boolean withSkills, boolean withUsage) {
        ObjectNode hb = heartbeatBase(status, currentTasks);
        if (!status.equals("full")) hb.set("available_skills", names());
        if (withSkills) hb.set("supported_skills", skillInfos());
        if (withUsage) hb.set("usage", usage());
        return hb;
    }

    /** The goodbye (transcript #32): status offline, {@code supported_skills: []}, usage. */
    ObjectNode offlineHeartbeat(Collection<String> currentTasks) {
        ObjectNode hb = heartbeatBase("offline", currentTasks);
        hb.putArray("supported_skills");
        hb.set("usage", usage());
        return hb;
    }

    private ObjectNode heartbeatBase(String status, Collection<String> currentTasks) {
        ObjectNode hb = NODES.objectNode();
        hb.put("worker_id", workerId);
        hb.put("status", status);
        ArrayNode current = hb.putArray("current_tasks");
        currentTasks.forEach(current::add);
        hb.put("skills_hash", skillsHash);
        hb.put("timestamp", now());
        return hb;
    }

    /** The SDK sends floats here (0.0), which its serialiser turns into integers. */
    private static ObjectNode usage() {
        ObjectNode u = NODES.objectNode();
        u.put("cpu_load_percent", 0.0);
        u.put("ram_used_gb", 0.0);
        return u;
    }

    /** A {@code progress} event (transcript #12): every field, {@code priority} 0 included. */
    ObjectNode progressEvent(TaskPayload p, double progress, String message) {
        ObjectNode e = NODES.objectNode();
        e.put("event_id", UUID.randomUUID().toString());
        e.put("event_type", "progress");
        e.putObject("payload").put("progress", progress).put("message", message);
        e.put("origin_task_id", p.taskId());
        e.put("origin_worker_id", workerId);
        e.put("target_job_id", p.jobId());
        e.put("target_task_id", p.taskId());
        e.putArray("bubbling_chain");
        e.putObject("trace_context");
        e.put("priority", 0);
        e.put("timestamp", now());
        e.put("worker_id", workerId);
        return e;
    }

    /**
     * A handler's dict as a TaskResult: no {@code status} key for success (msgspec omits
     * defaults), {@code data} {} when the dict has none, {@code costs.execution_time_seconds}.
     */
    ObjectNode fromHandler(TaskPayload p, ObjectNode out, double executionSeconds) {
        ObjectNode r = resultBase(p, true);
        String status = out.path("status").isTextual() ? out.path("status").textValue() : "success";
        if (!status.equals("success")) r.put("status", status);
        JsonNode data = out.get("data");
        r.set("data", data == null || data.isNull() ? NODES.objectNode() : data);
        JsonNode err = out.get("error");
        if (err != null && !err.isNull()) {
            if (err.isObject()) r.set("error", err);
            else r.putObject("error").put("code", "TRANSIENT_ERROR").put("message", err.asText());
        }
        if (out.hasNonNull("metadata")) r.set("metadata", out.get("metadata"));
        ObjectNode costs = r.putObject("costs");
        costs.put("execution_time_seconds", executionSeconds);
        if (out.path("costs").isObject()) costs.setAll((ObjectNode) out.get("costs"));
        r.put("timestamp", now());
        return r;
    }

    /**
     * A failure from an exception (transcript #16): no data, no costs. The unsupported-skill one
     * (#21) also has no {@code origin_worker_id}.
     */
    ObjectNode failure(TaskPayload p, String code, String message, boolean withOrigin) {
        ObjectNode r = resultBase(p, withOrigin);
        r.put("status", "failure");
        r.putObject("error").put("code", code).put("message", message);
        r.put("timestamp", now());
        return r;
    }

    /** Only ids, status, timestamp, origin_worker_id (and security, added when signing) — #19. */
    ObjectNode cancelled(TaskPayload p) {
        ObjectNode r = resultBase(p, true);
        r.put("status", "cancelled");
        r.put("timestamp", now());
        return r;
    }

    private ObjectNode resultBase(TaskPayload p, boolean withOrigin) {
        ObjectNode r = NODES.objectNode();
        r.put("job_id", p.jobId());
        r.put("task_id", p.taskId());
        r.put("worker_id", workerId);
        if (withOrigin) r.put("origin_worker_id", workerId);
        return r;
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private ArrayNode skillInfos() {
        ArrayNode a = NODES.arrayNode();
        skills.forEach(s -> a.add(s.info()));
        return a;
    }

    private ArrayNode names() {
        ArrayNode a = NODES.arrayNode();
        skills.forEach(s -> a.add(s.name()));
        return a;
    }

    private ObjectNode skillsHashInput() {
        ObjectNode n = NODES.objectNode();
        n.set("skills", skillInfos());
        n.putObject("cost_per_skill");
        n.putObject("extra").put("websockets", false);
        return n;
    }
}
