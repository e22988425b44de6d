package dev.coxswain.core.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A process that executes tasks: the built-in local worker of a node, or a remote one speaking the
 * {@code /_worker} protocol ({@code kind} {@code remote}), whose {@code skills} (the protocol's
 * SkillInfo objects) and {@code info} (type, resources, devices, software, capabilities, usage and
 * its own status, as it reported them) are kept as reported.
 * {@code status} is derived when read: offline when the heartbeat is older than the worker TTL,
 * otherwise active while it runs tasks and idle when it runs none.
 */
public record Worker(String id, String hostname, String kind, WorkerStatus status, int capacity,
                     long tasksCompleted, long tasksFailed, List<Long> currentTaskIds,
                     Instant lastHeartbeat, Instant registeredAt, String version, List<String> tags,
                     Resources resources, JsonNode skills, JsonNode info) {

    /** A worker that reported no skills or other details (the built-in local worker). */
    public Worker(String id, String hostname, String kind, WorkerStatus status, int capacity,
                  long tasksCompleted, long tasksFailed, List<Long> currentTaskIds,
                  Instant lastHeartbeat, Instant registeredAt, String version, List<String> tags,
                  Resources resources) {
        this(id, hostname, kind, status, capacity, tasksCompleted, tasksFailed, currentTaskIds, lastHeartbeat,
                registeredAt, version, tags, resources, null, null);
    }

    /** Fractions between 0 and 1, sampled from the OS at the last heartbeat; null when unknown. */
    public record Resources(Double cpuUsage, Double memoryUsage, Double diskUsage) {
    }
}
