package dev.coxswain.core.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A recurring rule that creates a task per slot. {@code face} says which API owns it (its ids and
 * names are unique per face); every face's schedules are the same rows.
 *
 * @param timezone    the zone the expression's wall-clock times are read in (a {@code CRON_TZ=}
 *                    prefix in the expression overrides it)
 * @param nextRunAt   the next slot; null when paused or completed
 * @param lastSlotAt  the last slot that was fired (run or skipped)
 * @param lastTaskId  the last run started for a slot (for the overlap policy)
 */
public record Schedule(long id, String face, String name, String description, String expression, String timezone,
                       String taskType, JsonNode payload, int priority, List<String> tags, int maxRetries,
                       String backoff, int timeoutSeconds, MisfirePolicy misfire, OverlapPolicy overlap,
                       ScheduleStatus status, Instant nextRunAt, Instant lastSlotAt, Long lastTaskId,
                       Instant createdAt, Instant updatedAt) {
}
