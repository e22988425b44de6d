package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the field-jumping search against the rules stated in {@link CronExpression}, applied the
 * slow way: every minute of a few days around each 2026 transition is tested one by one. Random
 * expressions with a fixed seed, so a failure is reproducible.
 */
class BruteForceOracleTest {
    private static final String[] MINUTES = {"*/15", "0", "30", "0,30", "*/7", "5-10", "45", "*"};
    private static final String[] HOURS = {"*", "*/2", "1", "2", "1-3", "0,2", "*/5", "3", "1-23/2"};
    private static final String[] DAYS = {"*", "1", "13", "*/10", "29-31", "?"};
    private static final String[] MONTHS = {"*", "3", "10,11", "*/2", "APR", "*"};
    private static final String[] WEEKDAYS = {"*", "0", "1-5", "SUN,SAT", "?", "*", "FRI-SUN"};
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("America/New_York"), ZoneId.of("Europe/Berlin"),
            ZoneId.of("Australia/Lord_Howe"), ZoneId.of("UTC"), ZoneId.of("Asia/Tokyo"));

    @Test
    void matchesMinuteByMinuteEvaluationAroundTransitions() {
        Random random = new Random(20260308);
        int compared = 0;
        for (int i = 0; i < 150; i++) {
            String expression = String.join(" ", pick(random, MINUTES), pick(random, HOURS), pick(random, DAYS),
                    pick(random, MONTHS), pick(random, WEEKDAYS));
            for (ZoneId zone : ZONES) {
                for (Instant windowStart : windowsAroundTransitions(zone)) {
                    compared += compare(expression, zone, windowStart, windowStart.plusSeconds(3 * 86400));
                }
            }
        }
        assertThat(compared).isPositive();
    }

    private static int compare(String expression, ZoneId zone, Instant from, Instant to) {
        CronExpression cron;
        try {
            cron = CronExpression.parse(expression, zone);
        } catch (InvalidScheduleException neverFires) {
            return 0;
        }
        List<Instant> expected = new ArrayList<>();
        Reference reference = new Reference(expression, zone);
        for (Instant t = from.plusSeconds(60); !t.isAfter(to); t = t.plusSeconds(60)) {
            if (reference.fires(t)) {
                expected.add(t);
            }
        }
        List<Instant> actual = new ArrayList<>();
        for (Instant t = cron.next(from).orElse(null); t != null && !t.isAfter(to); t = cron.next(t).orElse(null)) {
            actual.add(t);
        }
        assertThat(actual).as("%s in %s from %s", expression, zone, from).isEqualTo(expected);
        return expected.size();
    }

    /**
     * The stated rules (Vixie cron's), one instant at a time (minute resolution, 5-field
     * expressions): a wildcard job (minute or hour field starting with {@code *}) runs by the wall
     * clock as it is, skipping gap times and running both occurrences of overlap times; a
     * fixed-time job runs gap times at the end of the gap and overlap times once. Day fields are
     * ANDed when either starts with {@code *} (or {@code ?}), ORed otherwise.
     */
    private static final class Reference {
        private final FieldParser.Parsed minute;
        private final FieldParser.Parsed hour;
        private final FieldParser.Parsed dom;
        private final FieldParser.Parsed month;
        private final FieldParser.Parsed dow;
        private final ZoneRules rules;
        private final boolean wildcardJob;
        private final boolean daysAnded;

        Reference(String expression, ZoneId zone) {
            String[] f = expression.split(" ");
            wildcardJob = f[0].startsWith("*") || f[1].startsWith("*");
            daysAnded = f[2].startsWith("*") || f[2].startsWith("?") || f[4].startsWith("*") || f[4].startsWith("?");
            minute = FieldParser.parse(CronField.MINUTE, f[0]);
            hour = FieldParser.parse(CronField.HOUR, f[1]);
            dom = FieldParser.parse(CronField.DAY_OF_MONTH, f[2]);
            month = FieldParser.parse(CronField.MONTH, f[3]);
            dow = FieldParser.parse(CronField.DAY_OF_WEEK, f[4]);
            rules = zone.getRules();
        }

        boolean fires(Instant t) {
            ZoneOffset offset = rules.getOffset(t);
            LocalDateTime local = LocalDateTime.ofInstant(t, offset);
            if (matches(local)) {
                ZoneOffsetTransition overlap = rules.getTransition(local);
                boolean secondOccurrence = overlap != null && offset.equals(overlap.getOffsetAfter());
                if (!secondOccurrence || wildcardJob) {
                    return true;
                }
            }
            // For a fixed-time job the end of a gap also fires for every matching local time inside it.
            ZoneOffsetTransition previous = rules.previousTransition(t.plusNanos(1));
            if (!wildcardJob && previous != null && previous.isGap() && previous.getInstant().equals(t)) {
                for (LocalDateTime l = previous.getDateTimeBefore(); l.isBefore(previous.getDateTimeAfter());
                     l = l.plusMinutes(1)) {
                    if (matches(l)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private boolean matches(LocalDateTime l) {
            boolean domMatch = dom.values().get(l.getDayOfMonth());
            boolean dowMatch = dow.values().get(l.getDayOfWeek().getValue() % 7);
            boolean day = daysAnded ? domMatch && dowMatch : domMatch || dowMatch;
            return day && month.values().get(l.getMonthValue()) && hour.values().get(l.getHour())
                    && minute.values().get(l.getMinute()) && l.getSecond() == 0;
        }
    }

    private static List<Instant> windowsAroundTransitions(ZoneId zone) {
        List<Instant> starts = new ArrayList<>();
        ZoneRules rules = zone.getRules();
        ZoneOffsetTransition t = rules.nextTransition(Instant.parse("2026-01-01T00:00:00Z"));
        while (t != null && t.getInstant().isBefore(Instant.parse("2027-01-01T00:00:00Z"))) {
            starts.add(t.getInstant().minusSeconds(86400 + 17 * 60));
            t = rules.nextTransition(t.getInstant());
        }
        if (starts.isEmpty()) {
            starts.add(Instant.parse("2026-03-28T00:00:00Z"));
        }
        return starts;
    }

    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
