package dev.coxswain.core.schedule;

import java.time.Instant;

/** One kind of schedule behind {@link CronExpression}: calendar fields, or a fixed interval. */
interface FireTimes {
    /** The first fire time strictly after {@code after}, or null when there is none. */
    Instant next(Instant after);
}
