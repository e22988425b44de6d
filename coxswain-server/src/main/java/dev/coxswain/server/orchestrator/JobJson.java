package dev.coxswain.server.orchestrator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.remote.WireIds;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.JobEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A job as the orchestrator's client API shows it: its detailed state (research §10, "Detailed
 * mode"), every key of it that Coxswain keeps, in the original's names; the history rows of §14.
 * Detailed is the default (the lead's decision): a client of the original in compact mode reads
 * a subset of these keys. {@code result} is only shown once the job has ended, as the original
 * does (no tracking of work in progress through it).
 */
final class JobJson {
    /** The original's history timestamps: ISO-8601 with microseconds and a numeric offset, as orjson writes an aware datetime. */
    private static final DateTimeFormatter HISTORY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");

    private JobJson() {
    }

    /** The job's state; with {@code fields} (null: all), only those keys and {@code id}. */
    static ObjectNode job(Job j, Set<String> fields) {
        ObjectNode n = Json.object();
        n.put("id", j.id());
        n.put("blueprint_name", j.blueprintName());
        n.put("blueprint_version", j.blueprintVersion());
        n.put("status", j.status().wire());
        n.put("current_state", j.currentState());
        n.set("initial_data", j.initialData().isMissingNode() ? Json.object() : j.initialData());
        n.set("state_history", j.stateHistory().isMissingNode() ? Json.object() : j.stateHistory());
        if (j.data().has("aggregation_results")) n.set("aggregation_results", j.data().get("aggregation_results"));
        if (j.status().terminal()) n.set("result", j.result());
        n.put("error_message", j.errorMessage());
        n.put("webhook_url", j.webhookUrl());
        putInt(n, "dispatch_timeout", j.dispatchTimeout());
        putInt(n, "result_timeout", j.resultTimeout());
        n.set("metadata", j.metadata() == null || j.metadata().isNull() ? Json.object() : j.metadata());
        n.put("retry_count", j.retryCount());
        n.put("transition_count", j.transitionCount());
        if (j.taskIds().size() == 1) n.put("current_task_id", WireIds.jobId(j.taskIds().get(0)));
        else if (!j.taskIds().isEmpty()) {
            ArrayNode branches = n.putArray("active_branches");
            j.taskIds().forEach(id -> branches.add(WireIds.jobId(id)));
        }
        putSeconds(n, "dispatch_deadline", j.dispatchDeadline());
        putSeconds(n, "result_deadline", j.resultDeadline());
        n.put("parent_job_id", j.parentJobId());
        n.put("child_job_id", j.childJobId());
        putSeconds(n, "timestamp", j.updatedAt());
        return fields == null ? n : only(n, fields);
    }

    /** One of a client's jobs in its list: the state, and {@code job_id} as the original's history rows name it. */
    static ObjectNode listItem(Job j) {
        ObjectNode n = Json.object().put("job_id", j.id());
        n.setAll(job(j, null));
        return n;
    }

    /** The history of a job (§14), oldest first; the owner's token, which the original shows, is never here. */
    static ArrayNode history(List<JobEvent> events, ZoneId zone) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JobEvent e : events) {
            ObjectNode n = out.addObject();
            n.put("event_id", Long.toString(e.id()));
            n.put("job_id", e.jobId());
            n.put("timestamp", HISTORY_TIME.format(e.at().atZone(zone)));
            n.put("state", e.state());
            n.put("event_type", e.type());
            if (e.durationMs() == null) n.putNull("duration_ms");
            else n.put("duration_ms", e.durationMs());
            n.put("previous_state", e.previousState());
            n.put("next_state", e.nextState());
            n.put("worker_id", e.workerId());
            n.put("origin_task_id", e.taskId() == null ? null : WireIds.jobId(e.taskId()));
            putInt(n, "attempt_number", e.attempt());
            n.set("context_snapshot", e.data());
        }
        return out;
    }

    private static ObjectNode only(ObjectNode all, Set<String> fields) {
        ObjectNode n = Json.object();
        for (Iterator<String> it = all.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.equals("id") || fields.contains(k)) n.set(k, all.get(k));
        }
        return n;
    }

    private static void putInt(ObjectNode n, String key, Integer v) {
        if (v == null) n.putNull(key);
        else n.put(key, v);
    }

    /** Epoch seconds with milliseconds, as a float (the original's {@code time()}). */
    private static void putSeconds(ObjectNode n, String key, Instant t) {
        if (t == null) n.putNull(key);
        else n.put(key, BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3));
    }
}
