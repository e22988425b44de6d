package dev.coxswain.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StaggerTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    // 2030-01-01 10:00 in Berlin (UTC+1 in winter)
    private static final Instant NOW = Instant.parse("2030-01-01T09:00:00Z");

    @Test
    void withoutStartTimeTheBaseIsNow() {
        assertThat(Stagger.base(null, NOW, BERLIN)).isEqualTo(NOW);
    }

    @Test
    void aLaterStartTimeIsTodayInTheZone() {
        assertThat(Stagger.base(LocalTime.of(14, 30), NOW, BERLIN)).isEqualTo(Instant.parse("2030-01-01T13:30:00Z"));
        assertThat(Stagger.base(LocalTime.of(23, 59), NOW, BERLIN)).isEqualTo(Instant.parse("2030-01-01T22:59:00Z"));
    }

    @Test
    void aStartTimeAlreadyPastTodayMeansNow() {
        assertThat(Stagger.base(LocalTime.of(9, 59), NOW, BERLIN)).isEqualTo(NOW);
        assertThat(Stagger.base(LocalTime.of(10, 0), NOW, BERLIN)).as("exactly now").isEqualTo(NOW);
        assertThat(Stagger.base(LocalTime.of(0, 0), NOW, BERLIN)).isEqualTo(NOW);
    }

    @Test
    void todayIsTheZonesDateNotUtcs() {
        // 23:30 UTC on Jan 1 is already Jan 2 in Berlin: 08:00 means Jan 2 08:00 Berlin.
        Instant lateUtc = Instant.parse("2030-01-01T23:30:00Z");
        assertThat(Stagger.base(LocalTime.of(8, 0), lateUtc, BERLIN)).isEqualTo(Instant.parse("2030-01-02T07:00:00Z"));
    }

    @Test
    void aStartTimeInTheSpringForwardGapMovesForward() {
        // 2030-03-31 02:30 does not exist in Berlin (02:00 → 03:00): it is read as 03:30 CEST.
        Instant morning = Instant.parse("2030-03-31T00:10:00Z");
        assertThat(Stagger.base(LocalTime.of(2, 30), morning, BERLIN)).isEqualTo(Instant.parse("2030-03-31T01:30:00Z"));
    }

    @Test
    void eachDevicesKthTaskIsTheSumOfKDrawsInRange() {
        Stagger s = new Stagger(NOW, 1, 5, new SplittableRandom(1));
        List<Instant> a = new ArrayList<>();
        List<Instant> b = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            a.add(s.next("A"));
            if (i % 2 == 0) b.add(s.next("B"));
        }
        for (List<Instant> dues : List.of(a, b)) {
            Instant prev = NOW;
            for (Instant d : dues) {
                Duration gap = Duration.between(prev, d);
                assertThat(gap).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
                prev = d;
            }
        }
        assertThat(b).as("another device's count starts at the base too").hasSize(100);
        assertThat(Duration.between(NOW, b.getFirst())).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
        long distinctGaps = a.stream().map(Instant::toEpochMilli).map(m -> m % 1000).distinct().count();
        assertThat(distinctGaps).as("millisecond resolution").isGreaterThan(50);
    }

    @Test
    void aZeroWideRangeAddsExactlyItsValue() {
        Stagger s = new Stagger(NOW, 0, 0, new SplittableRandom(3));
        assertThat(s.next("A")).isEqualTo(NOW);
        assertThat(s.next("A")).isEqualTo(NOW);
        Stagger fixed = new Stagger(NOW, 7, 7, new SplittableRandom(3));
        assertThat(fixed.next("A")).isEqualTo(NOW.plusSeconds(7));
        assertThat(fixed.next("A")).isEqualTo(NOW.plusSeconds(14));
    }

    @Test
    void drawsAreInclusiveOfMax() {
        // With min 0 and max 1 s there are 1001 values; over many draws the largest seen is 1000 ms.
        Stagger s = new Stagger(NOW, 0, 1, new SplittableRandom(11));
        long max = 0;
        long min = Long.MAX_VALUE;
        Instant prev = NOW;
        for (int i = 0; i < 100_000; i++) {
            Instant d = s.next("A");
            long gap = d.toEpochMilli() - prev.toEpochMilli();
            max = Math.max(max, gap);
            min = Math.min(min, gap);
            prev = d;
        }
        assertThat(max).isEqualTo(1000);
        assertThat(min).isEqualTo(0);
    }
}
