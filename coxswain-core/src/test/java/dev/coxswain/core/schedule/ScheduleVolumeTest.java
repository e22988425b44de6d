package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scheduler computes next() for about 100,000 schedules; this only checks that that many calls
 * over a realistic mix complete and stay ordered. Deliberately no timing assertion.
 */
class ScheduleVolumeTest {

    @Test
    void hundredThousandNextCallsComplete() {
        List<String> expressions = List.of("*/5 * * * *", "0 9 * * MON-FRI", "30 2 * * *", "0 0 13 * FRI",
                "0 0 29 2 *", "*/10 * * * * *", "0 0 12 1 1 ? 2026-2199", "@hourly", "@every 1h30m", "0 * * * *");
        List<ZoneId> zones = List.of(ZoneId.of("UTC"), ZoneId.of("America/New_York"), ZoneId.of("Europe/Berlin"),
                ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Asia/Tokyo"));
        int calls = 0;
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        while (calls < 100_000) {
            for (String expression : expressions) {
                for (ZoneId zone : zones) {
                    CronExpression cron = CronExpression.parse(expression, zone);
                    Instant at = start.plusSeconds(calls * 7919L);
                    for (int i = 0; i < 20; i++, calls++) {
                        Instant next = cron.next(at).orElseThrow();
                        assertThat(next).isAfter(at);
                        at = next;
                    }
                }
            }
        }
        assertThat(calls).isGreaterThanOrEqualTo(100_000);
    }
}
