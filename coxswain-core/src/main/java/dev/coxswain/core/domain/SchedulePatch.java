package dev.coxswain.core.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A partial change to a schedule: null fields stay as they are. */
public record SchedulePatch(String name, String description, String expression, String timezone, JsonNode payload,
                            Integer priority, List<String> tags, Integer maxRetries, String backoff,
                            Integer timeoutSeconds, MisfirePolicy misfire, OverlapPolicy overlap,
                            ScheduleStatus status) {
}
