package dev.coxswain.core.schedule;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code @every <duration>}: elapsed time since the previous fire, so no zone and no calendar.
 * The caller passes the previous fire time as {@code after}.
 */
record EverySchedule(Duration interval) implements FireTimes {
    @Override
    public Instant next(Instant after) {
        // Same horizon as the calendar search, so both kinds of schedule end at the same point and
        // Instant arithmetic can never overflow.
        if (after.isAfter(ZonedCronSchedule.HORIZON)) {
            return null;
        }
        Instant next = after.plus(interval);
        return next.isAfter(ZonedCronSchedule.HORIZON) ? null : next;
    }
}
