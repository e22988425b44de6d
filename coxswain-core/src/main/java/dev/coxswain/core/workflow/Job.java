package dev.coxswain.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One run of a blueprint, as the services hand it out.
 *
 * @param data    the job's working data: {@code initial_data}, {@code state_history} (every result's
 *                data merged flat, as the original keeps it), {@code steps} (each state's own result),
 *                {@code aggregation} and {@code aggregation_results} after a parallel state, {@code decision}
 * @param taskIds the tasks of the current step (one for a dispatch, N for a parallel state)
 */
public record Job(String id, String blueprintName, int blueprintVersion, String owner, JobStatus status,
                  String currentState, JsonNode data, JsonNode result, String errorMessage, String webhookUrl,
                  Integer dispatchTimeout, Integer resultTimeout, String parentJobId, String childJobId,
                  List<Long> taskIds, int transitionCount, int retryCount, Instant dispatchDeadline,
                  Instant resultDeadline, JsonNode metadata, Instant createdAt, Instant updatedAt, Instant finishedAt) {

    public JsonNode initialData() {
        return data.path("initial_data");
    }

    public JsonNode stateHistory() {
        return data.path("state_history");
    }
}
