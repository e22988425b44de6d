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
 */
public record NewTask(String type, String name, String description, JsonNode payload, int priority,
                      int maxRetries, String backoff, Instant scheduledAt, int timeoutSeconds,
                      List<String> tags, List<Long> dependencies, boolean checkpointEnabled,
                      String originKind, String originId) {
    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 10;
}
