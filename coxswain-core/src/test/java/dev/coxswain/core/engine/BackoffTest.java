package dev.coxswain.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(new SplittableRandom(7));

    @Test
    void linearGrowsByItsStepPerRetry() {
        assertThat(backoff.delay("linear:60", 1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.delay("linear:60", 2)).isEqualTo(Duration.ofSeconds(120));
        assertThat(backoff.delay("linear:60", 3)).isEqualTo(Duration.ofSeconds(180));
        assertThat(backoff.delay(Backoff.linear(5), 4)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.delay("linear:0", 3)).isEqualTo(Duration.ZERO);
    }

    @Test
    void fixedAndExponentialAreUnchanged() {
        assertThat(backoff.delay("fixed:7", 3)).isEqualTo(Duration.ofSeconds(7));
        Duration d = backoff.delay(Backoff.EXPONENTIAL, 3);
        assertThat(d).isBetween(Duration.ofMillis(7200), Duration.ofMillis(8800));
    }

    @Test
    void validAcceptsLinearRules() {
        assertThat(Backoff.valid("linear:60")).isTrue();
        assertThat(Backoff.valid(Backoff.linear(0))).isTrue();
        assertThat(Backoff.valid("linear:-1")).isFalse();
        assertThat(Backoff.valid("linear:")).isFalse();
        assertThat(Backoff.valid("linear:x")).isFalse();
        assertThat(Backoff.valid("fixed:10")).isTrue();
        assertThat(Backoff.valid("exponential")).isTrue();
        assertThat(Backoff.valid("quadratic")).isFalse();
        assertThat(Backoff.valid(null)).isFalse();
    }

    @Test
    void randomIsUniformWithinItsBounds() {
        long min = Long.MAX_VALUE, max = 0;
        for (int i = 0; i < 2000; i++) {
            long ms = backoff.delay(Backoff.random(5, 60), 1).toMillis();
            assertThat(ms).isBetween(5_000L, 60_000L);
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        assertThat(min).isLessThan(8_000);
        assertThat(max).isGreaterThan(57_000);
        assertThat(backoff.delay("random:0-0", 2)).isEqualTo(Duration.ZERO);
        assertThat(Backoff.valid("random:5-60")).isTrue();
        assertThat(Backoff.valid("random:60-5")).isFalse();
        assertThat(Backoff.valid("random:-1-5")).isFalse();
        assertThat(Backoff.valid("random:5")).isFalse();
        assertThat(Backoff.valid("random:a-b")).isFalse();
    }
}
