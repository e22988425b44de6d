package dev.coxswain.core.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One run of one unit of work: the row every API face ultimately shows.
 *
 * @param runAt        when the task becomes due (scheduled time, or the end of a retry backoff)
 * @param scheduledAt  the time the client asked for, null for "as soon as possible"
 * @param attempt      how many times a worker has claimed it; guards completions of stale attempts
 * @param backoff      retry delay rule, see {@code engine.Backoff}
 * @param leaseUntil   while running: the worker must renew before this or the attempt counts as lost
 * @param errorCode    the error code a remote worker reported with its failure (TRANSIENT_ERROR …), or null
 * @param progress     the last progress (0..1) a remote worker reported for the running attempt, or null
 */
public record Task(
        long id, String type, String name, String description, JsonNode payload,
        TaskStatus status, int priority, Instant runAt, Instant scheduledAt,
        Instant createdAt, Instant updatedAt, Instant startedAt, Instant completedAt,
        int retryCount, int maxRetries, String backoff, int attempt, int timeoutSeconds,
        List<String> tags, List<Long> dependencies, String workerId, Instant leaseUntil,
        String result, String error, Integer exitCode,
        boolean checkpointEnabled, JsonNode checkpointData, int logCount,
        String originKind, String originId, String errorCode, Double progress, String progressMessage) {

    /** A task no remote worker has reported on (no error code, no progress). */
    public Task(long id, String type, String name, String description, JsonNode payload,
                TaskStatus status, int priority, Instant runAt, Instant scheduledAt,
                Instant createdAt, Instant updatedAt, Instant startedAt, Instant completedAt,
                int retryCount, int maxRetries, String backoff, int attempt, int timeoutSeconds,
                List<String> tags, List<Long> dependencies, String workerId, Instant leaseUntil,
                String result, String error, Integer exitCode,
                boolean checkpointEnabled, JsonNode checkpointData, int logCount,
                String originKind, String originId) {
        this(id, type, name, description, payload, status, priority, runAt, scheduledAt, createdAt, updatedAt,
                startedAt, completedAt, retryCount, maxRetries, backoff, attempt, timeoutSeconds, tags, dependencies,
                workerId, leaseUntil, result, error, exitCode, checkpointEnabled, checkpointData, logCount, originKind,
                originId, null, null, null);
    }

    /** The payload's {@code params} (what a remote worker receives), or null. */
    public JsonNode params() {
        return payload == null ? null : payload.get("params");
    }

    /** The payload's {@code requirements} (which workers may run it), or null. */
    public JsonNode requirements() {
        JsonNode r = payload == null ? null : payload.get("requirements");
        return r == null || r.isNull() ? null : r;
    }

    public Task withDependencies(List<Long> deps) {
        return new Task(id, type, name, description, payload, status, priority, runAt, scheduledAt,
                createdAt, updatedAt, startedAt, completedAt, retryCount, maxRetries, backoff, attempt,
                timeoutSeconds, tags, deps, workerId, leaseUntil, result, error, exitCode,
                checkpointEnabled, checkpointData, logCount, originKind, originId, errorCode, progress, progressMessage);
    }
}
