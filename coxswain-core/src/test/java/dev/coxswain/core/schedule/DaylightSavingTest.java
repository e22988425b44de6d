package dev.coxswain.core.schedule;

import static dev.coxswain.core.schedule.Cron.ATHENS;
import static dev.coxswain.core.schedule.Cron.BERLIN;
import static dev.coxswain.core.schedule.Cron.LONDON;
import static dev.coxswain.core.schedule.Cron.LORD_HOWE;
import static dev.coxswain.core.schedule.Cron.NEW_YORK;
import static dev.coxswain.core.schedule.Cron.TOKYO;
import static dev.coxswain.core.schedule.Cron.UTC;
import static dev.coxswain.core.schedule.Cron.at;
import static dev.coxswain.core.schedule.Cron.fires;
import static dev.coxswain.core.schedule.Cron.instants;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The daylight-saving rules of {@link CronExpression}, which are Vixie cron's: a <em>wildcard</em>
 * job (its minute or hour field starts with {@code *}) runs by the wall clock as it is, so a time in
 * a spring-forward gap is skipped and a time in a fall-back overlap fires in both occurrences; a
 * <em>fixed-time</em> job fires a gap time once at the end of the gap and an overlap time at its
 * first occurrence only. 2026 transitions used here:
 * New York gap 2026-03-08 02:00-03:00 (07:00Z), overlap 2026-11-01 01:00-02:00 (06:00Z);
 * Berlin gap 2026-03-29 02:00-03:00 (01:00Z), overlap 2026-10-25 02:00-03:00 (01:00Z);
 * Lord Howe (30-minute shift) overlap 2026-04-05 01:30-02:00 (2026-04-04T15:00Z),
 * gap 2026-10-04 02:00-02:30 (2026-10-03T15:30Z); 2027: London gap 2027-03-28 01:00-02:00 (01:00Z),
 * Athens overlap 2027-10-31 03:00-04:00 (01:00Z).
 */
class DaylightSavingTest {

    @Nested
    class NewYork {
        @Test
        void gapTimeFiresOnceAtEndOfGap() {
            assertThat(fires("30 2 * * *", NEW_YORK, "2026-03-07T12:00:00Z", 3)).isEqualTo(instants(
                    "2026-03-08T07:00:00Z", // 03:00 EDT: 02:30 does not exist that day
                    "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"));
        }

        @Test
        void severalFixedSlotsInOneGapFireOnceInTotal() {
            assertThat(fires("0,15,30,45 2 * * *", NEW_YORK, "2026-03-07T12:00:00Z", 3)).isEqualTo(instants(
                    "2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-09T06:15:00Z"));
        }

        @Test
        void wildcardMinutesInTheGapAreSkipped() {
            // The minute field starts with *: a wildcard job, so 02:00-02:45 on 8 March do not run.
            assertThat(fires("*/15 2 * * *", NEW_YORK, "2026-03-07T12:00:00Z", 3)).isEqualTo(instants(
                    "2026-03-09T06:00:00Z", "2026-03-09T06:15:00Z", "2026-03-09T06:30:00Z"));
        }

        @Test
        void hourlyKeepsTheRealHourAcrossTheGap() {
            // 02:00 EST does not exist and collapses with 03:00 EDT: one fire, one real hour apart.
            assertThat(fires("0 * * * *", NEW_YORK, "2026-03-08T05:30:00Z", 3)).isEqualTo(instants(
                    "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"));
            assertThat(fires("*/30 * * * *", NEW_YORK, "2026-03-08T06:00:00Z", 3)).isEqualTo(instants(
                    "2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"));
        }

        @Test
        void fixedHourInOverlapFiresAtFirstOccurrenceOnly() {
            assertThat(fires("30 1 * * *", NEW_YORK, "2026-10-31T12:00:00Z", 2)).isEqualTo(instants(
                    "2026-11-01T05:30:00Z", // 01:30 EDT; 01:30 EST (06:30Z) is skipped
                    "2026-11-02T06:30:00Z"));
        }

        @Test
        void fixedHourAskedFromInsideTheOverlapDoesNotFireAgain() {
            // After the first 01:30 (first occurrence) and from inside the repeated hour.
            assertThat(fires("30 1 * * *", NEW_YORK, "2026-11-01T05:40:00Z", 1)).isEqualTo(instants("2026-11-02T06:30:00Z"));
            assertThat(fires("30 1 * * *", NEW_YORK, "2026-11-01T06:10:00Z", 1)).isEqualTo(instants("2026-11-02T06:30:00Z"));
        }

        @Test
        void fixedMinutesInAFixedHourStayInTheFirstOccurrence() {
            assertThat(fires("0,20,40 1 * * *", NEW_YORK, "2026-11-01T04:50:00Z", 4)).isEqualTo(instants(
                    "2026-11-01T05:00:00Z", "2026-11-01T05:20:00Z", "2026-11-01T05:40:00Z", "2026-11-02T06:00:00Z"));
        }

        @Test
        void wildcardMinutesInAFixedHourRepeatInTheOverlap() {
            assertThat(fires("*/20 1 * * *", NEW_YORK, "2026-11-01T04:50:00Z", 7)).isEqualTo(instants(
                    "2026-11-01T05:00:00Z", "2026-11-01T05:20:00Z", "2026-11-01T05:40:00Z", // EDT
                    "2026-11-01T06:00:00Z", "2026-11-01T06:20:00Z", "2026-11-01T06:40:00Z", // EST
                    "2026-11-02T06:00:00Z"));
        }

        @Test
        void hourlyFiresInBothOccurrencesOfTheRepeatedHour() {
            assertThat(fires("0 * * * *", NEW_YORK, "2026-11-01T03:30:00Z", 4)).isEqualTo(instants(
                    "2026-11-01T04:00:00Z", // 00:00 EDT
                    "2026-11-01T05:00:00Z", // 01:00 EDT
                    "2026-11-01T06:00:00Z", // 01:00 EST
                    "2026-11-01T07:00:00Z")); // 02:00 EST
        }

        @Test
        void quarterHourlyRunsEveryRealQuarterThroughTheRepeatedHour() {
            assertThat(fires("*/15 * * * *", NEW_YORK, "2026-11-01T05:40:00Z", 6)).isEqualTo(instants(
                    "2026-11-01T05:45:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:15:00Z",
                    "2026-11-01T06:30:00Z", "2026-11-01T06:45:00Z", "2026-11-01T07:00:00Z"));
            // Asked from inside the second occurrence.
            assertThat(fires("*/15 * * * *", NEW_YORK, "2026-11-01T06:20:00Z", 2))
                    .isEqualTo(instants("2026-11-01T06:30:00Z", "2026-11-01T06:45:00Z"));
        }

        @Test
        void secondsPrecisionAcrossTheOverlap() {
            assertThat(fires("0 59 * * * *", NEW_YORK, "2026-11-01T05:00:00Z", 3)).isEqualTo(instants(
                    "2026-11-01T05:59:00Z", "2026-11-01T06:59:00Z", "2026-11-01T07:59:00Z"));
        }
    }

    @Nested
    class Berlin {
        @Test
        void gapTimeFiresOnceAtEndOfGap() {
            assertThat(fires("30 2 * * *", BERLIN, "2026-03-28T12:00:00Z", 2)).isEqualTo(instants(
                    "2026-03-29T01:00:00Z", // 03:00 CEST
                    "2026-03-30T00:30:00Z"));
            assertThat(fires("0 30 2 * * *", BERLIN, "2026-03-28T12:00:00Z", 1)).isEqualTo(instants("2026-03-29T01:00:00Z"));
        }

        @Test
        void severalFixedSlotsInOneGapFireOnceInTotal() {
            assertThat(fires("0,15,30,45 2 * * *", BERLIN, "2026-03-28T12:00:00Z", 2))
                    .isEqualTo(instants("2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"));
            // A gap slot and the real slot right after the gap are the same instant: one fire.
            assertThat(fires("30 2,3 * * *", BERLIN, "2026-03-28T12:00:00Z", 3)).isEqualTo(instants(
                    "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"));
        }

        @Test
        void askedFromTheEndOfTheGapDoesNotFireTheGapAgain() {
            assertThat(fires("0,15,30,45 2 * * *", BERLIN, "2026-03-29T01:00:00Z", 1))
                    .isEqualTo(instants("2026-03-30T00:00:00Z"));
        }

        @Test
        void fixedHourInOverlapFiresAtFirstOccurrenceOnly() {
            assertThat(fires("30 2 * * *", BERLIN, "2026-10-24T12:00:00Z", 2)).isEqualTo(instants(
                    "2026-10-25T00:30:00Z", // 02:30 CEST
                    "2026-10-26T01:30:00Z"));
            assertThat(fires("30 2 * * *", BERLIN, "2026-10-25T01:10:00Z", 1)).isEqualTo(instants("2026-10-26T01:30:00Z"));
        }

        @Test
        void hourlyFiresInBothOccurrences() {
            assertThat(fires("0 * * * *", BERLIN, "2026-10-24T23:30:00Z", 3)).isEqualTo(instants(
                    "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"));
        }

        @Test
        void hourStepCountsAsIntervalToo() {
            assertThat(fires("0 */2 * * *", BERLIN, "2026-10-24T21:30:00Z", 4)).isEqualTo(instants(
                    "2026-10-24T22:00:00Z", // 00:00 CEST
                    "2026-10-25T00:00:00Z", // 02:00 CEST
                    "2026-10-25T01:00:00Z", // 02:00 CET
                    "2026-10-25T03:00:00Z")); // 04:00 CET
        }

        @Test
        void descriptorsFollowTheSameRules() {
            assertThat(fires("@hourly", BERLIN, "2026-10-25T00:30:00Z", 2))
                    .isEqualTo(instants("2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"));
        }
    }

    /** Vixie cron's split, with the cases cronie, croniter and robfig agree on. */
    @Nested
    class WildcardAndFixedTimeJobs {
        @Test
        void wildcardHourSkipsTheMissingSlotInsteadOfFiringAtTheEndOfTheGap() {
            // 01:07 GMT does not exist on 28 March 2027; 02:07 BST (01:07Z) is the next real slot.
            assertThat(fires("7 * 28 3 *", LONDON, "2027-03-27T23:59:00Z", 3)).isEqualTo(instants(
                    "2027-03-28T00:07:00Z", "2027-03-28T01:07:00Z", "2027-03-28T02:07:00Z"));
        }

        @Test
        void wildcardMinutesWithAFixedHourRepeatInTheRepeatedHour() {
            // 03:00-04:00 happens twice in Athens on 31 October 2027 (EEST, then EET).
            assertThat(fires("*/30 3 31 10 *", ATHENS, "2027-10-30T12:00:00Z", 5)).isEqualTo(instants(
                    "2027-10-31T00:00:00Z", "2027-10-31T00:30:00Z", // 03:00, 03:30 EEST
                    "2027-10-31T01:00:00Z", "2027-10-31T01:30:00Z", // 03:00, 03:30 EET
                    "2028-10-31T01:00:00Z"));
        }

        @Test
        void wildcardMinutesSkipTheMissingHour() {
            // Hours 1, 3, 5...: 01:00 and 01:30 are in the gap and do not run (cronie does the same).
            assertThat(fires("*/30 1-23/2 28 3 *", LONDON, "2027-03-27T23:00:00Z", 3)).isEqualTo(instants(
                    "2027-03-28T02:00:00Z", "2027-03-28T02:30:00Z", "2027-03-28T04:00:00Z"));
        }

        @Test
        void fixedTimeJobStillFiresAtTheEndOfTheGap() {
            assertThat(fires("7 1 28 3 *", LONDON, "2027-03-27T23:59:00Z", 2))
                    .isEqualTo(instants("2027-03-28T01:00:00Z", "2028-03-28T00:07:00Z")); // 01:07 BST in 2028
        }

        @Test
        void secondsFieldStartingWithStarMakesAWildcardJobToo() {
            // Every 20 s through 01:30 in London's gap: none of them exists, so none runs.
            assertThat(fires("*/20 30 1 28 3 *", LONDON, "2027-03-27T23:59:00Z", 1))
                    .isEqualTo(instants("2028-03-28T00:30:00Z")); // 01:30 BST
            assertThat(fires("20 30 1 28 3 *", LONDON, "2027-03-27T23:59:00Z", 1))
                    .isEqualTo(instants("2027-03-28T01:00:00Z"));
        }
    }

    @Nested
    class LordHowe {
        @Test
        void halfHourOverlapFixedHourFiresOnce() {
            assertThat(fires("45 1 * * *", LORD_HOWE, "2026-04-04T12:00:00Z", 2)).isEqualTo(instants(
                    "2026-04-04T14:45:00Z", // 01:45 +11:00; 01:45 +10:30 (15:15Z) is skipped
                    "2026-04-05T15:15:00Z"));
        }

        @Test
        void halfHourOverlapIntervalFiresInBoth() {
            assertThat(fires("*/15 * * * *", LORD_HOWE, "2026-04-04T14:20:00Z", 5)).isEqualTo(instants(
                    "2026-04-04T14:30:00Z", "2026-04-04T14:45:00Z", // 01:30, 01:45 at +11:00
                    "2026-04-04T15:00:00Z", "2026-04-04T15:15:00Z", // 01:30, 01:45 at +10:30
                    "2026-04-04T15:30:00Z")); // 02:00 +10:30
        }

        @Test
        void halfHourGapFiresAtEndOfGap() {
            assertThat(fires("15 2 * * *", LORD_HOWE, "2026-10-03T12:00:00Z", 2)).isEqualTo(instants(
                    "2026-10-03T15:30:00Z", // 02:30 +11:00
                    "2026-10-04T15:15:00Z"));
            assertThat(fires("*/15 * * * *", LORD_HOWE, "2026-10-03T15:10:00Z", 3)).isEqualTo(instants(
                    "2026-10-03T15:15:00Z", "2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z"));
        }
    }

    @Nested
    class ZonesWithoutDaylightSaving {
        @Test
        void utcFiresEveryDayAtTheSameInstantOnOtherZonesTransitionDays() {
            assertThat(fires("30 2 * * *", UTC, "2026-03-28T12:00:00Z", 2))
                    .isEqualTo(instants("2026-03-29T02:30:00Z", "2026-03-30T02:30:00Z"));
            assertThat(fires("30 1 * * *", UTC, "2026-10-31T12:00:00Z", 2))
                    .isEqualTo(instants("2026-11-01T01:30:00Z", "2026-11-02T01:30:00Z"));
        }

        @Test
        void tokyoIsAPlainShift() {
            assertThat(fires("30 2 * * *", TOKYO, "2026-03-07T12:00:00Z", 3)).isEqualTo(instants(
                    "2026-03-07T17:30:00Z", "2026-03-08T17:30:00Z", "2026-03-09T17:30:00Z"));
            assertThat(fires("0 * * * *", TOKYO, "2026-11-01T05:30:00Z", 2))
                    .isEqualTo(instants("2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"));
        }

        @Test
        void fixedOffsetZone() {
            assertThat(fires("0 9 * * *", ZoneId.of("+05:30"), "2026-01-01T00:00:00Z", 1))
                    .isEqualTo(instants("2026-01-01T03:30:00Z"));
        }
    }

    /** Over a whole year, a quarter-hourly schedule never loses or doubles a real quarter hour. */
    @ParameterizedTest
    @ValueSource(strings = {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "UTC", "Asia/Tokyo"})
    void intervalScheduleRunsEveryRealQuarterHourAllYear(String zone) {
        CronExpression cron = CronExpression.parse("*/15 * * * *", ZoneId.of(zone));
        Instant at = at("2026-01-01T00:00:00Z");
        for (int i = 0; i < 365 * 96; i++) {
            Instant next = cron.next(at).orElseThrow();
            assertThat(Duration.between(at, next)).as("after %s", at).isEqualTo(Duration.ofMinutes(15));
            at = next;
        }
    }

    /** A daily fixed-time schedule fires exactly once on every local day, transition days included. */
    @ParameterizedTest
    @ValueSource(strings = {"30 2 * * *", "30 1 * * *", "45 1 * * *", "15 2 * * *", "0 3 * * *"})
    void dailyScheduleFiresOncePerLocalDay(String expression) {
        for (ZoneId zone : List.of(NEW_YORK, BERLIN, LORD_HOWE, UTC, TOKYO)) {
            List<Instant> year = CronExpression.parse(expression, zone).next(at("2025-12-31T00:00:00Z"), 400);
            List<java.time.LocalDate> days = year.stream().map(i -> i.atZone(zone).toLocalDate()).toList();
            // Consecutive local days, no repeats: nothing lost in gaps, nothing doubled in overlaps.
            for (int i = 1; i < days.size(); i++) {
                assertThat(days.get(i)).as("%s in %s", expression, zone).isEqualTo(days.get(i - 1).plusDays(1));
            }
        }
    }
}
