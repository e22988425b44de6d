package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one dispatched task asks for: the skill, its templated params, and the task's options.
 * Null options take the job's or the engine's defaults.
 */
public record TaskTemplate(String skill, JsonNode params, int retries, Integer timeoutSeconds,
                           Integer dispatchTimeoutSeconds, Integer resultTimeoutSeconds, Integer priority,
                           JsonNode requirements) {
    /** The task's max_retries when the blueprint gives none (the original orchestrator's JOB_MAX_RETRIES). */
    public static final int DEFAULT_RETRIES = 3;

    public TaskTemplate {
        params = params == null ? JsonNodeFactory.instance.objectNode() : params.deepCopy();
        requirements = requirements == null || requirements.isNull() ? null : requirements.deepCopy();
    }

    /** Writes the fields into {@code n}, defaults included, absent options left out. */
    void writeTo(ObjectNode n) {
        n.put("skill", skill);
        n.set("params", params.deepCopy());
        n.put("retries", retries);
        if (timeoutSeconds != null) n.put("timeout_seconds", timeoutSeconds);
        if (dispatchTimeoutSeconds != null) n.put("dispatch_timeout_seconds", dispatchTimeoutSeconds);
        if (resultTimeoutSeconds != null) n.put("result_timeout_seconds", resultTimeoutSeconds);
        if (priority != null) n.put("priority", priority);
        if (requirements != null) n.set("requirements", requirements.deepCopy());
    }

    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        writeTo(n);
        return n;
    }
}
