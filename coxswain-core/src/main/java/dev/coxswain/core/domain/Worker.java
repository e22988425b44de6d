package dev.coxswain.core.domain;

import java.time.Instant;
import java.util.List;

/**
 * A process that executes tasks: the built-in local worker of a node, or (later) a remote one.
 * {@code status} is derived when read: offline when the heartbeat is older than the worker TTL,
 * otherwise active while it runs tasks and idle when it runs none.
 */
public record Worker(String id, String hostname, String kind, WorkerStatus status, int capacity,
                     long tasksCompleted, long tasksFailed, List<Long> currentTaskIds,
                     Instant lastHeartbeat, Instant registeredAt, String version, List<String> tags,
                     Resources resources) {

    /** Fractions between 0 and 1, sampled from the OS at the last heartbeat; null when unknown. */
    public record Resources(Double cpuUsage, Double memoryUsage, Double diskUsage) {
    }
}
