package dev.coxswain.core.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Maps the local wall-clock matches of a {@link CalendarPattern} to instants in one zone, with the
 * daylight-saving rules spelled out in {@link CronExpression} (Vixie cron's): a <em>wildcard</em>
 * job (second, minute or hour field starting with {@code *}) follows the wall clock as it is, a
 * <em>fixed-time</em> job runs each of its times once.
 * <ul>
 *   <li>a match in a spring-forward gap does not exist: a wildcard job skips it; a fixed-time job
 *       fires it at the end of the gap (the transition instant), so all its slots of one gap
 *       collapse into that single instant;</li>
 *   <li>a match in a fall-back overlap fires at its first occurrence, and a wildcard job's at the
 *       second occurrence as well.</li>
 * </ul>
 *
 * <p>Why this works in two parts: mapping each local match to its earliest instant (gap end, or
 * the earlier offset; gap matches of a wildcard job left out) is monotone in local time, so the
 * first local match after the right local starting point gives the first such instant. The second
 * occurrences of an overlap are the only instants out of local order; they are looked for
 * separately, only in overlaps that start before the first candidate, which is usually none, and
 * only for wildcard jobs.
 */
final class ZonedCronSchedule implements FireTimes {
    /** Nothing fires after this (the end of the last allowed year, with a day to spare for offsets). */
    static final Instant HORIZON = LocalDateTime.of(CalendarPattern.MAX_YEAR + 1, 1, 2, 0, 0).toInstant(ZoneOffset.UTC);
    // Before year 1 nothing is searched; it keeps the date arithmetic in positive years.
    private static final long FLOOR_SECOND = LocalDateTime.of(1, 1, 2, 0, 0).toEpochSecond(ZoneOffset.UTC);

    private final CalendarPattern pattern;
    private final ZoneRules rules;
    /** Set for zones without transitions (UTC, fixed offsets): then the mapping is a plain shift. */
    private final ZoneOffset fixedOffset;
    /** Skips gap matches and fires overlap matches twice, instead of moving and deduplicating them. */
    private final boolean wildcardJob;

    ZonedCronSchedule(CalendarPattern pattern, ZoneId zone, boolean wildcardJob) {
        this.pattern = pattern;
        this.rules = zone.getRules();
        this.fixedOffset = rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH) : null;
        this.wildcardJob = wildcardJob;
    }

    @Override
    public Instant next(Instant after) {
        if (after.isAfter(HORIZON)) {
            return null;
        }
        // Fire times are whole seconds, so "after 10.5 s" is the same as "after 10 s".
        long afterSecond = Math.max(after.getEpochSecond(), FLOOR_SECOND);
        if (fixedOffset != null) {
            LocalDateTime match = pattern.nextMatch(LocalDateTime.ofEpochSecond(afterSecond + 1, 0, fixedOffset));
            return match == null ? null : Instant.ofEpochSecond(match.toEpochSecond(fixedOffset));
        }
        ZoneOffset offset = rules.getOffset(Instant.ofEpochSecond(afterSecond));
        LocalDateTime localAfter = LocalDateTime.ofEpochSecond(afterSecond, 0, offset);
        ZoneOffsetTransition around = rules.getTransition(localAfter);
        boolean inRepeat = around != null && around.isOverlap() && offset.equals(around.getOffsetAfter());
        // In the second pass through an overlap, first occurrences of what is still ahead on the
        // wall clock already lie in the past: resume first-occurrence matching at the overlap's end.
        LocalDateTime from = inRepeat ? around.getDateTimeBefore() : localAfter.plusSeconds(1);
        Instant first = firstOccurrence(from, afterSecond);
        if (!wildcardJob) {
            return first;
        }
        Instant repeat = secondOccurrence(afterSecond, inRepeat ? around : null, localAfter, first);
        return repeat != null && (first == null || repeat.isBefore(first)) ? repeat : first;
    }

    /** The earliest-instant mapping of the first local match at or after {@code from}. */
    private Instant firstOccurrence(LocalDateTime from, long afterSecond) {
        LocalDateTime match = pattern.nextMatch(from);
        while (match != null) {
            ZoneOffsetTransition transition = rules.getTransition(match);
            if (transition != null && transition.isGap() && wildcardJob) {
                // Never happens on the wall clock: a wildcard job skips it (and the rest of the gap).
                match = pattern.nextMatch(transition.getDateTimeAfter());
                continue;
            }
            long second = transition == null ? match.toEpochSecond(rules.getOffset(match))
                    : transition.isGap() ? transition.toEpochSecond()
                    : match.toEpochSecond(transition.getOffsetBefore());
            // Always true for zones with sane transitions; the loop only guards against odd ones.
            if (second > afterSecond) {
                return Instant.ofEpochSecond(second);
            }
            match = pattern.nextMatch(match.plusSeconds(1));
        }
        return null;
    }

    /**
     * The first second occurrence of a match inside an overlap, after {@code afterSecond} and
     * before {@code limit} (null = no limit), or null.
     */
    private Instant secondOccurrence(long afterSecond, ZoneOffsetTransition current, LocalDateTime localAfter,
                                     Instant limit) {
        if (current != null) {
            Instant found = matchInRepeat(current, localAfter.plusSeconds(1));
            if (found != null) {
                return found;
            }
        }
        ZoneOffsetTransition transition = rules.nextTransition(Instant.ofEpochSecond(afterSecond));
        while (transition != null && (limit == null || transition.getInstant().isBefore(limit))) {
            if (transition.isOverlap()) {
                LocalDateTime match = pattern.nextMatch(transition.getDateTimeAfter());
                if (match == null) {
                    return null; // nothing matches from here on, in this overlap or any later one
                }
                if (match.isBefore(transition.getDateTimeBefore())) {
                    return Instant.ofEpochSecond(match.toEpochSecond(transition.getOffsetAfter()));
                }
            }
            transition = rules.nextTransition(transition.getInstant());
        }
        return null;
    }

    private Instant matchInRepeat(ZoneOffsetTransition overlap, LocalDateTime from) {
        LocalDateTime match = pattern.nextMatch(from);
        return match != null && match.isBefore(overlap.getDateTimeBefore())
                ? Instant.ofEpochSecond(match.toEpochSecond(overlap.getOffsetAfter()))
                : null;
    }
}
