package dev.coxswain.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One entry of a job's history (the protocol's history event). */
public record JobEvent(long id, String jobId, Instant at, String type, String state, String previousState,
                       String nextState, String workerId, Long taskId, Integer attempt, Long durationMs, JsonNode data) {
}
