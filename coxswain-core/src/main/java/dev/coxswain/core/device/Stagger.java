package dev.coxswain.core.device;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Due times of one request's tasks, so the tasks of a device do not all start at once and starts
 * on different devices drift apart: a device's k-th task is due at the base time plus the sum of k
 * independent draws, uniform in [min, max] seconds at millisecond resolution.
 */
final class Stagger {
    /** The largest interval a request may ask for (one day). */
    static final int MAX_INTERVAL_SECONDS = 86_400;

    private final Instant base;
    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private final Map<String, Instant> last = new HashMap<>();

    Stagger(Instant base, int minSeconds, int maxSeconds, RandomGenerator random) {
        this.base = base.truncatedTo(ChronoUnit.MILLIS);
        this.minMillis = minSeconds * 1000L;
        this.maxMillis = maxSeconds * 1000L;
        this.random = random;
    }

    /**
     * The base time: {@code start} today in {@code zone}, or now when none is given or it has
     * already passed today (the seed leaves a past time open; running it now beats waiting a day).
     */
    static Instant base(LocalTime start, Instant now, ZoneId zone) {
        if (start == null) return now;
        // In a daylight-saving gap ZonedDateTime.of moves the time forward by the gap's length.
        Instant at = ZonedDateTime.of(LocalDate.ofInstant(now, zone), start, zone).toInstant();
        return at.isAfter(now) ? at : now;
    }

    /** The due time of the serial's next task. */
    Instant next(String serial) {
        long draw = minMillis == maxMillis ? minMillis : random.nextLong(minMillis, maxMillis + 1);
        Instant due = last.getOrDefault(serial, base).plusMillis(draw);
        last.put(serial, due);
        return due;
    }
}
