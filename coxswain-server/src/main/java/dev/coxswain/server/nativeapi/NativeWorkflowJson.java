package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.JobEvent;
import dev.coxswain.core.workflow.StoredBlueprint;
import dev.coxswain.core.workflow.blueprint.Problem;
import java.util.List;

/**
 * Blueprints and workflow jobs in the native API's shapes: RFC 3339 UTC times, snake_case,
 * {@code task-<n>} refs for the tasks a job's steps run; a job's id is its UUID.
 */
final class NativeWorkflowJson {
    private NativeWorkflowJson() {
    }

    /** A version without its definition: what lists show. */
    static ObjectNode blueprintSummary(StoredBlueprint b) {
        ObjectNode n = Json.object();
        n.put("name", b.name());
        n.put("version", b.version());
        n.put("api_version", b.apiVersion());
        n.put("api_endpoint", b.apiEndpoint());
        n.put("description", b.blueprint().description());
        n.put("start_state", b.blueprint().startState());
        n.put("created_at", NativeJson.time(b.createdAt()));
        n.put("created_by", b.createdBy());
        return n;
    }

    /** A version with its normalized definition (what the store keeps, defaults written out). */
    static ObjectNode blueprint(StoredBlueprint b) {
        ObjectNode n = blueprintSummary(b);
        n.set("definition", b.blueprint().definition());
        return n;
    }

    /** A version just stored, with the warnings its validation gave. */
    static ObjectNode registered(StoredBlueprint b, List<Problem> warnings) {
        ObjectNode n = blueprint(b);
        ArrayNode w = n.putArray("warnings");
        for (Problem p : warnings) w.add(problem(p));
        return n;
    }

    static ObjectNode problem(Problem p) {
        ObjectNode n = Json.object();
        n.put("path", p.path());
        n.put("message", p.message());
        n.put("severity", p.severity().wire());
        return n;
    }

    static ObjectNode job(Job j) {
        ObjectNode n = Json.object();
        n.put("id", j.id());
        n.put("blueprint", j.blueprintName());
        n.put("blueprint_version", j.blueprintVersion());
        n.put("owner", j.owner());
        n.put("status", j.status().wire());
        n.put("current_state", j.currentState());
        // What an approval state asks the human (its message, rendered when the job entered it).
        JsonNode ask = j.data() == null ? null : j.data().get("approval_message");
        n.put("approval_message", j.status() == dev.coxswain.core.workflow.JobStatus.WAITING_FOR_HUMAN && ask != null
                && ask.isTextual() ? ask.asText() : null);
        n.set("initial_data", orEmpty(j.initialData()));
        n.set("state_history", orEmpty(j.stateHistory()));
        n.set("result", j.result());
        n.put("error", j.errorMessage());
        ArrayNode tasks = n.putArray("task_ids");
        if (j.taskIds() != null) j.taskIds().forEach(id -> tasks.add(NativeJson.taskId(id)));
        n.put("webhook_url", j.webhookUrl());
        putInt(n, "dispatch_timeout", j.dispatchTimeout());
        putInt(n, "result_timeout", j.resultTimeout());
        n.put("parent_job_id", j.parentJobId());
        n.put("child_job_id", j.childJobId());
        n.put("transition_count", j.transitionCount());
        n.put("retry_count", j.retryCount());
        n.set("metadata", j.metadata() == null || !j.metadata().isObject() ? Json.object() : j.metadata());
        n.put("dispatch_deadline", NativeJson.time(j.dispatchDeadline()));
        n.put("result_deadline", NativeJson.time(j.resultDeadline()));
        n.put("created_at", NativeJson.time(j.createdAt()));
        n.put("updated_at", NativeJson.time(j.updatedAt()));
        n.put("finished_at", NativeJson.time(j.finishedAt()));
        return n;
    }

    static ObjectNode event(JobEvent e) {
        ObjectNode n = Json.object();
        n.put("id", e.id());
        n.put("job_id", e.jobId());
        n.put("timestamp", NativeJson.time(e.at()));
        n.put("type", e.type());
        n.put("state", e.state());
        n.put("previous_state", e.previousState());
        n.put("next_state", e.nextState());
        n.put("worker_id", e.workerId());
        n.put("task_id", e.taskId() == null ? null : NativeJson.taskId(e.taskId()));
        putInt(n, "attempt", e.attempt());
        if (e.durationMs() == null) n.putNull("duration_ms");
        else n.put("duration_ms", e.durationMs());
        n.set("data", e.data() == null || e.data().isMissingNode() ? Json.object() : e.data());
        return n;
    }

    private static JsonNode orEmpty(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? Json.object() : n;
    }

    private static void putInt(ObjectNode n, String k, Integer v) {
        if (v == null) n.putNull(k);
        else n.put(k, v);
    }
}
