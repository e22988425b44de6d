package dev.coxswain.core.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A request to create a schedule; the face has applied its defaults. */
public record NewSchedule(String face, String name, String description, String expression, String timezone,
                          String taskType, JsonNode payload, int priority, List<String> tags, int maxRetries,
                          String backoff, int timeoutSeconds, MisfirePolicy misfire, OverlapPolicy overlap,
                          boolean paused) {
}
