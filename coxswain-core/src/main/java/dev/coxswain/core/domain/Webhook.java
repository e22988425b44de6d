package dev.coxswain.core.domain;

import java.time.Instant;
import java.util.Set;

/** A webhook subscription, without its signing secret (which is never shown after creation). */
public record Webhook(long id, String url, Set<String> events, boolean enabled, String description,
                      Instant createdAt, Instant updatedAt) {
    /**
     * The events a subscription may name: the native seed's list, plus what remote workers report
     * about a running task ({@code task.progress}, and {@code task.event} for an event of their own type).
     */
    public static final Set<String> EVENTS = Set.of("task.created", "task.started", "task.completed", "task.failed",
            "task.cancelled", "task.retrying", "task.progress", "task.event", "worker.registered", "worker.offline");
}
