package dev.coxswain.core.schedule;

import static dev.coxswain.core.schedule.Cron.BERLIN;
import static dev.coxswain.core.schedule.Cron.TOKYO;
import static dev.coxswain.core.schedule.Cron.UTC;
import static dev.coxswain.core.schedule.Cron.at;
import static dev.coxswain.core.schedule.Cron.fires;
import static dev.coxswain.core.schedule.Cron.instants;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every accepted form of the syntax, evaluated in UTC from Thursday 2026-01-01T00:00Z. */
class CronSyntaxTest {
    private static final String START = "2026-01-01T00:00:00Z";

    @Test
    void stepOverWholeRange() {
        assertThat(fires("*/15 * * * *", UTC, START, 5)).isEqualTo(instants(
                "2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z",
                "2026-01-01T01:00:00Z", "2026-01-01T01:15:00Z"));
    }

    @Test
    void singleValueListAndRange() {
        assertThat(fires("5 * * * *", UTC, START, 2))
                .isEqualTo(instants("2026-01-01T00:05:00Z", "2026-01-01T01:05:00Z"));
        assertThat(fires("5,10 * * * *", UTC, START, 3))
                .isEqualTo(instants("2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z", "2026-01-01T01:05:00Z"));
        assertThat(fires("10-12 * * * *", UTC, START, 4)).isEqualTo(instants(
                "2026-01-01T00:10:00Z", "2026-01-01T00:11:00Z", "2026-01-01T00:12:00Z", "2026-01-01T01:10:00Z"));
    }

    @Test
    void rangeWithStepAndStartWithStep() {
        assertThat(fires("10-30/10 * * * *", UTC, START, 4)).isEqualTo(instants(
                "2026-01-01T00:10:00Z", "2026-01-01T00:20:00Z", "2026-01-01T00:30:00Z", "2026-01-01T01:10:00Z"));
        assertThat(fires("50/5 * * * *", UTC, START, 3))
                .isEqualTo(instants("2026-01-01T00:50:00Z", "2026-01-01T00:55:00Z", "2026-01-01T01:50:00Z"));
        assertThat(fires("0 9-17/4 * * *", UTC, START, 4)).isEqualTo(instants(
                "2026-01-01T09:00:00Z", "2026-01-01T13:00:00Z", "2026-01-01T17:00:00Z", "2026-01-02T09:00:00Z"));
    }

    @Test
    void monthNamesInAnyCase() {
        assertThat(fires("0 0 1 mar,Jun *", UTC, START, 3))
                .isEqualTo(instants("2026-03-01T00:00:00Z", "2026-06-01T00:00:00Z", "2027-03-01T00:00:00Z"));
        assertThat(fires("0 0 1 JAN-DEC/6 *", UTC, START, 2))
                .isEqualTo(instants("2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    }

    @Test
    void dayNamesAndWeekdayRange() {
        assertThat(fires("0 9 * * mon-fri", UTC, START, 3)).isEqualTo(instants(
                "2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource({"0", "7", "SUN", "sun"})
    void sundayHasThreeSpellings(String sunday) {
        assertThat(fires("0 0 * * " + sunday, UTC, START, 2))
                .isEqualTo(instants("2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"));
    }

    @Test
    void weekdayRangeMayEndOnSunday() {
        assertThat(fires("0 0 * * FRI-SUN", UTC, START, 4)).isEqualTo(instants(
                "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z"));
        assertThat(fires("0 0 * * 5-7", UTC, START, 3)).isEqualTo(instants(
                "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"));
    }

    @Test
    void questionMarkMeansAnyInDayFields() {
        assertThat(fires("0 0 ? * MON", UTC, START, 1)).isEqualTo(instants("2026-01-05T00:00:00Z"));
        assertThat(fires("0 0 1 * ?", UTC, START, 1)).isEqualTo(instants("2026-02-01T00:00:00Z"));
    }

    @Test
    void sixFieldsHaveSecondsFirst() {
        CronExpression cron = CronExpression.parse("30 * * * * *", UTC);
        assertThat(cron.hasSeconds()).isTrue();
        assertThat(cron.next(at(START), 2)).isEqualTo(instants("2026-01-01T00:00:30Z", "2026-01-01T00:01:30Z"));
        assertThat(fires("*/20 0 0 * * *", UTC, START, 3)).isEqualTo(instants(
                "2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-02T00:00:00Z"));
    }

    @Test
    void sevenFieldsEndAfterTheLastYear() {
        CronExpression cron = CronExpression.parse("0 0 12 1 1 ? 2027,2029-2030", UTC);
        assertThat(cron.hasSeconds()).isTrue();
        assertThat(cron.next(at(START), 5)).isEqualTo(instants(
                "2027-01-01T12:00:00Z", "2029-01-01T12:00:00Z", "2030-01-01T12:00:00Z"));
        assertThat(cron.next(at("2030-01-01T12:00:00Z"))).isEmpty();
        assertThat(fires("0 0 0 1 1 * 2030-2040/5", UTC, START, 5)).isEqualTo(instants(
                "2030-01-01T00:00:00Z", "2035-01-01T00:00:00Z", "2040-01-01T00:00:00Z"));
    }

    @Test
    void oneShotSchedule() {
        CronExpression once = CronExpression.parse("0 30 9 15 6 * 2026", BERLIN);
        assertThat(once.next(at(START))).contains(at("2026-06-15T07:30:00Z"));
        assertThat(once.next(at("2026-06-15T07:30:00Z"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "@yearly,   2027-01-01T00:00:00Z",
        "@annually, 2027-01-01T00:00:00Z",
        "@monthly,  2026-02-01T00:00:00Z",
        "@weekly,   2026-01-04T00:00:00Z",
        "@daily,    2026-01-02T00:00:00Z",
        "@midnight, 2026-01-02T00:00:00Z",
        "@hourly,   2026-01-01T01:00:00Z",
        "@DAILY,    2026-01-02T00:00:00Z",
    })
    void descriptors(String descriptor, String expected) {
        CronExpression cron = CronExpression.parse(descriptor, UTC);
        assertThat(cron.next(at(START))).contains(at(expected));
        assertThat(cron.hasSeconds()).isFalse();
    }

    @Test
    void zonePrefixOverridesDefaultZone() {
        CronExpression tokyo = CronExpression.parse("CRON_TZ=Asia/Tokyo 0 9 * * *", UTC);
        assertThat(tokyo.zone()).isEqualTo(TOKYO);
        assertThat(tokyo.next(at("2025-12-31T12:00:00Z"))).contains(at("2026-01-01T00:00:00Z"));

        CronExpression berlin = CronExpression.parse("TZ=Europe/Berlin 0 9 * * *", UTC);
        assertThat(berlin.zone()).isEqualTo(BERLIN);
        assertThat(berlin.next(at(START))).contains(at("2026-01-01T08:00:00Z"));

        CronExpression descriptor = CronExpression.parse("CRON_TZ=Europe/Berlin @daily", UTC);
        assertThat(descriptor.next(at(START))).contains(at("2026-01-01T23:00:00Z"));
    }

    @Test
    void defaultZoneAppliesWithoutPrefix() {
        CronExpression cron = CronExpression.parse("0 9 * * *", BERLIN);
        assertThat(cron.zone()).isEqualTo(BERLIN);
        assertThat(cron.next(at(START))).contains(at("2026-01-01T08:00:00Z"));
    }

    @Test
    void textIsKeptAsGivenAndHasSecondsReflectsTheForm() {
        String text = "  CRON_TZ=Asia/Tokyo\t0  9 * *   * ";
        CronExpression cron = CronExpression.parse(text, UTC);
        assertThat(cron.text()).isEqualTo(text);
        assertThat(cron.toString()).isEqualTo(text);
        assertThat(cron.hasSeconds()).isFalse();
        assertThat(cron.next(at("2025-12-31T12:00:00Z"))).contains(at("2026-01-01T00:00:00Z"));
        assertThat(cron).isEqualTo(CronExpression.parse(text, UTC)).hasSameHashCodeAs(CronExpression.parse(text, UTC));
    }

    @Test
    void nextIsStrictlyAfterAndIgnoresFractionsOfASecond() {
        CronExpression daily = CronExpression.parse("0 0 * * *", UTC);
        assertThat(daily.next(at("2026-01-01T00:00:00Z"))).contains(at("2026-01-02T00:00:00Z"));
        assertThat(daily.next(at("2025-12-31T23:59:59.999Z"))).contains(at("2026-01-01T00:00:00Z"));
        assertThat(daily.next(at("2026-01-01T00:00:00.001Z"))).contains(at("2026-01-02T00:00:00Z"));
    }

    @Test
    void nextNWithZeroIsEmpty() {
        assertThat(fires("* * * * *", UTC, START, 0)).isEmpty();
    }
}
