package dev.coxswain.core.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed cron expression in a time zone: when it fires next. Immutable, thread-safe, no I/O.
 *
 * <h2>Syntax</h2>
 * <ul>
 *   <li>5 fields {@code minute hour day-of-month month day-of-week}; 6 fields with {@code second}
 *       first; 7 fields with a trailing {@code year} (1970-2199), which makes finite schedules.</li>
 *   <li>Each field: {@code *}, a value, {@code a-b}, {@code *}{@code /n}, {@code a-b/n}, {@code a/n}
 *       (from a to the end of the range), or a comma list of these. Months may be written JAN-DEC
 *       and weekdays SUN-SAT, in any case; Sunday is 0 or 7, and {@code FRI-SUN} is allowed.
 *       {@code ?} means {@code *} in day-of-month and day-of-week.</li>
 *   <li>Day-of-month and day-of-week (Vixie rule): when either field starts with {@code *} (or
 *       {@code ?}), a day must match both, so a plain {@code *} leaves the other deciding alone and
 *       {@code * * *}{@code /10 * Sun} fires only on Sundays that are the 1st, 11th, 21st or 31st;
 *       otherwise a day matches if either field does ({@code 0 0 13 * FRI}: the 13th and every
 *       Friday).</li>
 *   <li>{@code @yearly @annually @monthly @weekly @daily @midnight @hourly}, and {@code @every d}
 *       with a Go duration (units h, m, s; at least 1s). {@code @every} fires at {@code after + d}:
 *       the caller passes the previous fire time, and the zone plays no part.</li>
 *   <li>Prefix {@code CRON_TZ=<zone> } or {@code TZ=<zone> } overrides the default zone.</li>
 * </ul>
 * An expression that can never fire (such as {@code 0 0 30 2 *}) is rejected at parse; one whose
 * years are all past parses and simply has no next fire time. Nothing fires after 2199, which also
 * bounds every search.
 *
 * <h2>Daylight saving</h2>
 * Fields are matched against local wall-clock time in {@link #zone()}, with Vixie cron's split
 * between two kinds of job. A <em>wildcard</em> job - its minute or hour field (or, with six or
 * seven fields, its second field) starts with {@code *} - is defined by the wall clock as it runs:
 * a local time that does not exist because the clock springs forward is skipped (London,
 * 2027-03-28: {@code 7 * * * *} fires at 00:07Z, then 01:07Z = 02:07 BST, nothing for the missing
 * 01:07 GMT), and a local time that occurs twice because the clock falls back fires in both
 * occurrences ({@code 0 * * * *}, {@code *}{@code /30 3 * * *} in Athens keep running through the
 * repeated hour). A <em>fixed-time</em> job (every other) fires each of its times once: a time in
 * the gap fires at the first instant after the gap (Berlin, 2026-03-29: {@code 30 2 * * *} fires at
 * 03:00 CEST; {@code 0,30 2 * * *} fires once in total there), and a repeated time fires at its
 * first occurrence only (New York, 2026-11-01: {@code 30 1 * * *} fires at 01:30 EDT, not again at
 * 01:30 EST).
 *
 * <h2>Why an own evaluator</h2>
 * cron-utils 9.2.1 was allowed, but its DST handling does not follow these rules: tried on the
 * cases above, it skips {@code 30 2 * * *} entirely on the spring-forward day in Berlin and New York,
 * and fires {@code 30 1 * * *} a second time at 01:30 EST when asked from within the repeated hour.
 * Wrapping it would mean redoing the zone mapping anyway, so parsing is done here too. Fields are bit masks
 * searched field by field (see {@link CalendarPattern}), and zone handling is explicit over
 * {@link java.time.zone.ZoneRules} (see {@link ZonedCronSchedule}): a typical {@link #next(Instant)}
 * costs well under a microsecond (a few hundred nanoseconds measured) and allocates a handful of
 * small objects.
 */
public final class CronExpression {
    private final String text;
    private final ZoneId zone;
    private final boolean hasSeconds;
    private final FireTimes schedule;

    CronExpression(String text, ZoneId zone, boolean hasSeconds, FireTimes schedule) {
        this.text = text;
        this.zone = zone;
        this.hasSeconds = hasSeconds;
        this.schedule = schedule;
    }

    /**
     * Parses; {@code defaultZone} applies unless the text has a {@code CRON_TZ=<zone>} or
     * {@code TZ=<zone>} prefix.
     *
     * @throws InvalidScheduleException when the expression cannot be used; the message says why
     */
    public static CronExpression parse(String text, ZoneId defaultZone) {
        return ExpressionParser.parse(text, defaultZone);
    }

    /** The first fire time strictly after {@code after}, or empty when there is none (the schedule is finished). */
    public Optional<Instant> next(Instant after) {
        return Optional.ofNullable(schedule.next(Objects.requireNonNull(after, "after")));
    }

    /** The next {@code n} fire times after {@code after} (fewer when the schedule ends). */
    public List<Instant> next(Instant after, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        List<Instant> times = new ArrayList<>(Math.min(n, 1024));
        Instant at = Objects.requireNonNull(after, "after");
        while (times.size() < n && (at = schedule.next(at)) != null) {
            times.add(at);
        }
        return times;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The expression exactly as given to {@link #parse}. */
    public String text() {
        return text;
    }

    /** True for 6/7-field expressions and for {@code @every} with sub-minute precision. */
    public boolean hasSeconds() {
        return hasSeconds;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CronExpression that && text.equals(that.text) && zone.equals(that.zone);
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
