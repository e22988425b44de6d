package dev.coxswain.core.schedule;

import static dev.coxswain.core.schedule.Cron.BERLIN;
import static dev.coxswain.core.schedule.Cron.NEW_YORK;
import static dev.coxswain.core.schedule.Cron.UTC;
import static dev.coxswain.core.schedule.Cron.at;
import static dev.coxswain.core.schedule.Cron.instants;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code @every}: elapsed time from the previous fire, whatever the zone or the wall clock does. */
class EveryTest {

    @ParameterizedTest
    @CsvSource({
        "@every 1h30m, 2026-01-01T01:30:00Z, false",
        "@every 90s,   2026-01-01T00:01:30Z, true",
        "@every 1m30s, 2026-01-01T00:01:30Z, true",
        "@every 2m,    2026-01-01T00:02:00Z, false",
        "@every 1.5h,  2026-01-01T01:30:00Z, false",
        "@every .5m,   2026-01-01T00:00:30Z, true",
        "@every 1s,    2026-01-01T00:00:01Z, true",
        "@every 1h0m0s, 2026-01-01T01:00:00Z, false",
        "@every 36h,   2026-01-02T12:00:00Z, false",
        "@EVERY 1h,    2026-01-01T01:00:00Z, false",
    })
    void durationSyntax(String expression, String expected, boolean hasSeconds) {
        CronExpression every = CronExpression.parse(expression, UTC);
        assertThat(every.next(at("2026-01-01T00:00:00Z"))).contains(at(expected));
        assertThat(every.hasSeconds()).isEqualTo(hasSeconds);
    }

    @Test
    void chainsFromThePreviousFireTime() {
        CronExpression every = CronExpression.parse("@every 1h30m", UTC);
        assertThat(every.next(at("2026-01-01T00:00:00Z"), 3)).isEqualTo(instants(
                "2026-01-01T01:30:00Z", "2026-01-01T03:00:00Z", "2026-01-01T04:30:00Z"));
        // Chaining by hand, as the scheduler does, gives the same.
        var first = every.next(at("2026-01-01T00:00:00Z")).orElseThrow();
        assertThat(every.next(first)).contains(at("2026-01-01T03:00:00Z"));
    }

    @Test
    void keepsSubSecondOffsetOfTheStart() {
        assertThat(CronExpression.parse("@every 10s", UTC).next(at("2026-01-01T00:00:00.250Z")))
                .contains(at("2026-01-01T00:00:10.250Z"));
    }

    @Test
    void ignoresTheZoneAndDaylightSaving() {
        // New York falls back at 06:00Z on 2026-11-01: still exactly one hour later.
        assertThat(CronExpression.parse("@every 1h", NEW_YORK).next(at("2026-11-01T05:30:00Z")))
                .contains(at("2026-11-01T06:30:00Z"));
        CronExpression berlin = CronExpression.parse("CRON_TZ=Europe/Berlin @every 1h", UTC);
        assertThat(berlin.zone()).isEqualTo(BERLIN);
        assertThat(berlin.next(at("2026-03-29T00:30:00Z"), 2))
                .isEqualTo(instants("2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"));
    }

    @Test
    void endsAtTheHorizon() {
        assertThat(CronExpression.parse("@every 1h", UTC).next(at("2199-12-31T23:30:00Z"))).isPresent();
        assertThat(CronExpression.parse("@every 1h", UTC).next(java.time.Instant.MAX)).isEmpty();
        assertThat(CronExpression.parse("@every 1000h", UTC).next(at("2199-12-31T00:00:00Z"))).isEmpty();
    }
}
