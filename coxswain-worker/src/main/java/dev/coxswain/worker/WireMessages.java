package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.worker.protocol.Protocol;
import java.util.Collection;
import java.util.UUID;

/**
 * Builds the bodies the worker sends, in the SDK's shapes (rxon 1.0b15 models). Timestamps and
 * signatures are added later by {@link MessageSigner}.
 */
final class WireMessages {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Settings settings;
    private final SkillSet skills;
    private final DeviceRoster devices;

    WireMessages(Settings settings, SkillSet skills, DeviceRoster devices) {
        this.settings = settings;
        this.skills = skills;
        this.devices = devices;
    }

    /** {@code WorkerRegistration}, plus Coxswain's top-level {@code max_concurrent_tasks}. */
    ObjectNode registration(String hostname, String ipAddress) {
        ObjectNode body = JSON.objectNode();
        body.put("worker_id", settings.workerId());
        body.put("worker_type", settings.workerType());
        body.set("supported_skills", skills.descriptors());
        body.set("available_skills", names());
        body.set("resources", resources());
        body.set("installed_software", settings.installedSoftware().deepCopy());
        body.set("installed_artifacts", settings.installedArtifacts().deepCopy());
        ObjectNode capabilities = body.putObject("capabilities");
        capabilities.put("hostname", hostname);
        capabilities.put("ip_address", ipAddress);
        capabilities.set("cost_per_skill", settings.costPerSkill().deepCopy());
        ObjectNode extra = capabilities.putObject("extra");
        extra.put("websockets", settings.webSocket());
        extra.setAll(settings.extraCapabilities().deepCopy());
        body.put("skills_hash", skills.hash());
        body.put(Protocol.FIELD_MAX_CONCURRENT_TASKS, settings.concurrency());
        return body;
    }

    /**
     * A periodic {@code Heartbeat}; a worker with devices adds {@code resources} (see {@link #resources()}).
     *
     * @param full           whether every task slot is taken ({@code status: "full"})
     * @param sendSkills     whether to resend {@code supported_skills} (the server has not
     *                       acknowledged the hash, or asked for a full sync)
     */
    ObjectNode heartbeat(boolean full, Collection<String> runningTaskIds, boolean sendSkills, JsonNode usage) {
        ObjectNode body = JSON.objectNode();
        body.put("worker_id", settings.workerId());
        body.put("status", full ? Protocol.WORKER_FULL : Protocol.WORKER_IDLE);
        ArrayNode current = body.putArray("current_tasks");
        runningTaskIds.forEach(current::add);
        if (!full) body.set("available_skills", names());
        if (sendSkills) body.set("supported_skills", skills.descriptors());
        body.put("skills_hash", skills.hash());
        if (usage != null) body.set("usage", usage);
        // Coxswain extension: a device worker's heartbeat carries its full device list. The whole
        // resources object goes, as the server merges the report shallowly (properties would be lost).
        if (devices.declared()) body.set("resources", resources());
        return body;
    }

    /**
     * {@code resources}: the properties, and {@code devices} (the current list, possibly empty)
     * once the worker has declared any.
     */
    private ObjectNode resources() {
        ObjectNode resources = JSON.objectNode();
        resources.set("properties", settings.resourceProperties().deepCopy());
        if (devices.declared()) resources.set("devices", devices.toJson());
        return resources;
    }

    /** The last heartbeat: {@code status: "offline"} and no skills. */
    ObjectNode offlineHeartbeat(JsonNode usage) {
        ObjectNode body = JSON.objectNode();
        body.put("worker_id", settings.workerId());
        body.put("status", Protocol.WORKER_OFFLINE);
        body.putArray("current_tasks");
        body.putArray("supported_skills");
        body.put("skills_hash", skills.hash());
        if (usage != null) body.set("usage", usage);
        return body;
    }

    /** A successful {@code TaskResult}: no {@code status} key, as the SDK omits the default. */
    ObjectNode success(String jobId, String taskId, JsonNode data, double executionSeconds) {
        ObjectNode body = resultBase(jobId, taskId);
        body.set("data", data);
        body.putObject("costs").put("execution_time_seconds", executionSeconds);
        return body;
    }

    ObjectNode failure(String jobId, String taskId, String code, String message, JsonNode details) {
        ObjectNode body = resultBase(jobId, taskId);
        body.put("status", Protocol.STATUS_FAILURE);
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (details != null && !details.isNull()) error.set("details", details);
        return body;
    }

    /** {@code cancelled} or {@code released}: the ids and the status only. */
    ObjectNode ended(String jobId, String taskId, String status) {
        return resultBase(jobId, taskId).put("status", status);
    }

    private ObjectNode resultBase(String jobId, String taskId) {
        ObjectNode body = JSON.objectNode();
        body.put("job_id", jobId);
        body.put("task_id", taskId);
        body.put("worker_id", settings.workerId());
        body.put("origin_worker_id", settings.workerId());
        return body;
    }

    /** A {@code WorkerEventPayload} about one task. */
    ObjectNode event(String type, JsonNode payload, String taskId, String jobId, JsonNode traceContext) {
        ObjectNode body = JSON.objectNode();
        body.put("event_id", UUID.randomUUID().toString());
        body.put("worker_id", settings.workerId());
        body.put("origin_worker_id", settings.workerId());
        body.put("event_type", type);
        body.set("payload", payload);
        body.put("origin_task_id", taskId);
        body.put("target_task_id", taskId);
        body.put("target_job_id", jobId);
        body.putArray("bubbling_chain");
        body.set("trace_context", traceContext != null && traceContext.isObject() ? traceContext.deepCopy() : JSON.objectNode());
        body.put("priority", 0);
        return body;
    }

    private ArrayNode names() {
        ArrayNode names = JSON.arrayNode();
        skills.names().forEach(names::add);
        return names;
    }
}
