package dev.coxswain.core.schedule;

import static dev.coxswain.core.schedule.Cron.UTC;
import static dev.coxswain.core.schedule.Cron.at;
import static dev.coxswain.core.schedule.Cron.fires;
import static dev.coxswain.core.schedule.Cron.instants;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Month ends, leap years, the day-of-month/day-of-week rule, finished schedules, the horizon. */
class CronCalendarTest {
    private static final String START = "2026-01-01T00:00:00Z";

    @Test
    void february29thFiresOnlyInLeapYears() {
        assertThat(fires("0 0 29 2 *", UTC, START, 2))
                .isEqualTo(instants("2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"));
        // 2100 is not a leap year (divisible by 100, not by 400).
        assertThat(fires("0 0 29 2 *", UTC, "2096-03-01T00:00:00Z", 1)).isEqualTo(instants("2104-02-29T00:00:00Z"));
        assertThat(fires("0 0 0 29 2 ? 2028", UTC, START, 2)).isEqualTo(instants("2028-02-29T00:00:00Z"));
    }

    @Test
    void dayThatSomeMonthsLackSkipsThoseMonths() {
        assertThat(fires("0 0 31 * *", UTC, START, 5)).isEqualTo(instants(
                "2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z",
                "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z"));
        assertThat(fires("0 0 30 * *", UTC, START, 2))
                .isEqualTo(instants("2026-01-30T00:00:00Z", "2026-03-30T00:00:00Z"));
    }

    @Test
    void bothDayFieldsRestrictedMeansEither() {
        // The 13th (Tuesday 2026-01-13) or any Friday; Friday 2026-02-13 is both and fires once.
        assertThat(fires("0 0 13 * FRI", UTC, START, 8)).isEqualTo(instants(
                "2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z",
                "2026-01-23T00:00:00Z", "2026-01-30T00:00:00Z", "2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z"));
    }

    @Test
    void oneDayFieldUnrestrictedLetsTheOtherDecide() {
        assertThat(fires("0 0 * * FRI", UTC, START, 2))
                .isEqualTo(instants("2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z"));
        assertThat(fires("0 0 13 * *", UTC, START, 2))
                .isEqualTo(instants("2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"));
        assertThat(fires("0 0 13 * ?", UTC, START, 1)).isEqualTo(instants("2026-01-13T00:00:00Z"));
    }

    @Test
    void aDayFieldStartingWithStarIsAndedWithTheOther() {
        // Vixie cron: */10 starts with *, so both fields must match - Mondays that are the 1st,
        // 11th, 21st or 31st - not "those days or any Monday".
        assertThat(fires("0 0 */10 * MON", UTC, START, 3)).isEqualTo(instants(
                "2026-05-11T00:00:00Z", "2026-06-01T00:00:00Z", "2026-08-31T00:00:00Z"));
        assertThat(fires("* * */10 * Sun", UTC, "2027-01-01T00:00:00Z", 2))
                .isEqualTo(instants("2027-01-31T00:00:00Z", "2027-01-31T00:01:00Z"));
        assertThat(fires("* * */10 * Sun", UTC, "2027-01-31T23:59:00Z", 1)).isEqualTo(instants("2027-02-21T00:00:00Z"));
        assertThat(fires("* * */10 * Sun", UTC, "2027-02-21T23:59:00Z", 1)).isEqualTo(instants("2027-03-21T00:00:00Z"));
        // The same with the star in day-of-week: the 1st of a month that is a Sunday, Tuesday, Thursday or Saturday.
        assertThat(fires("0 0 1 * */2", UTC, START, 2))
                .isEqualTo(instants("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"));
    }

    @Test
    void weekdayComputationAgreesWithJavaTimeForEveryDayOverFourCenturies() {
        for (LocalDate d = LocalDate.of(1900, 1, 1); d.getYear() < 2300; d = d.plusDays(1)) {
            int expected = d.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : d.getDayOfWeek().getValue();
            assertThat(CalendarPattern.dayOfWeek(d.getYear(), d.getMonthValue(), d.getDayOfMonth()))
                    .as(d.toString()).isEqualTo(expected);
        }
    }

    @Test
    void yearsAllInThePastParseButNeverFireAgain() {
        CronExpression past = CronExpression.parse("0 0 0 1 1 ? 2020", UTC);
        assertThat(past.next(at(START))).isEmpty();
        assertThat(past.next(at(START), 5)).isEmpty();
        assertThat(past.next(at("2019-06-01T00:00:00Z"))).contains(at("2020-01-01T00:00:00Z"));
    }

    @Test
    void nextFiveStopsShortWhenTheScheduleEnds() {
        assertThat(fires("0 0 0 1 1,7 ? 2026", UTC, START, 5))
                .isEqualTo(instants("2026-07-01T00:00:00Z"));
    }

    @Test
    void nothingFiresAfter2199() {
        assertThat(fires("0 0 * * *", UTC, "2199-12-30T12:00:00Z", 5)).isEqualTo(instants("2199-12-31T00:00:00Z"));
        assertThat(CronExpression.parse("* * * * *", UTC).next(Instant.MAX)).isEmpty();
        assertThat(CronExpression.parse("0 0 0 1 1 ? 2199", UTC).next(at("2199-01-01T00:00:00Z"))).isEmpty();
    }

    @Test
    void veryEarlyInstantsStillFindAFireTime() {
        assertThat(CronExpression.parse("0 0 * * *", UTC).next(Instant.MIN)).isPresent();
        assertThat(CronExpression.parse("0 0 0 1 1 ? 1999", UTC).next(Instant.MIN)).contains(at("1999-01-01T00:00:00Z"));
    }

    @Test
    void sparseButPossibleCombinationIsFoundWithoutWalkingMinutes() {
        assertThat(fires("0 0 0 29 2 ? 2101-2199", UTC, START, 1)).isEqualTo(instants("2104-02-29T00:00:00Z"));
        assertThat(fires("59 59 23 31 12 ? 2199", UTC, START, 2)).isEqualTo(instants("2199-12-31T23:59:59Z"));
    }
}
