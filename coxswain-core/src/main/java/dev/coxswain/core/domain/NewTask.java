package dev.coxswain.core.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A validated request to create a task. Defaults are applied by the API face before this is built
 * (each face has its own defaults), so every field here is final.
 *
 * @param scheduledAt null = as soon as possible
 * @param backoff     see {@code engine.Backoff}
 * @param owner       the principal that created it (kept for per-owner limits of device tasks), or null
 * @param ownerLimit  how many device tasks of {@code owner} may run at once (its plan's concurrency), null = no limit
 */
public record NewTask(String type, String name, String description, JsonNode payload, int priority,
                      int maxRetries, String backoff, Instant scheduledAt, int timeoutSeconds,
                      List<String> tags, List<Long> dependencies, boolean checkpointEnabled,
                      String originKind, String originId, String owner, Integer ownerLimit) {
    /** A task without an owner (schedules, workflows, faces that do not limit per owner). */
    public NewTask(String type, String name, String description, JsonNode payload, int priority,
                   int maxRetries, String backoff, Instant scheduledAt, int timeoutSeconds,
                   List<String> tags, List<Long> dependencies, boolean checkpointEnabled,
                   String originKind, String originId) {
        this(type, name, description, payload, priority, maxRetries, backoff, scheduledAt, timeoutSeconds, tags,
                dependencies, checkpointEnabled, originKind, originId, null, null);
    }

    /** The serial of the device this task must run on ({@code payload.requirements.device}), or null. */
    public String device() {
        JsonNode d = payload == null ? null : payload.path("requirements").get("device");
        return d != null && d.isTextual() ? d.asText() : null;
    }

    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 10;
    /**
     * The range a scheduled time must fall in. The engine measures durations from a task's due
     * time (dispatch latency in nanoseconds, about 292 years at most): a date centuries back
     * overflowed them after the claim had committed. The store keeps epoch milliseconds, and
     * four-digit years are what every face can write back.
     */
    public static final Instant EARLIEST_SCHEDULED_AT = Instant.EPOCH;
    public static final Instant LATEST_SCHEDULED_AT = Instant.parse("9999-12-31T23:59:59Z");

    /** Null when {@code at} may be a task's scheduled time, otherwise the problem to report. */
    public static String scheduledAtProblem(Instant at) {
        if (at == null || !at.isBefore(EARLIEST_SCHEDULED_AT) && !at.isAfter(LATEST_SCHEDULED_AT)) return null;
        return "must be between " + EARLIEST_SCHEDULED_AT + " and " + LATEST_SCHEDULED_AT;
    }
}
