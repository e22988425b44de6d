package dev.coxswain.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.runtime.EngineObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The observer side of the metrics: it runs right after commits, so no duration may make it throw. */
class ServerMetricsTest {

    private static Task task() {
        Instant t = Instant.parse("1700-01-01T00:00:00Z");
        return new Task(1, "shell", "old", null, null, TaskStatus.RUNNING, 5, t, t, t, t, t, null, 0, 0, "exponential",
                1, 60, List.of(), List.of(), "w", t, null, null, null, false, null, 0, null, null);
    }

    @Test
    void durationsBeyondWhatATimerHoldsAreCappedNotThrown() {
        // 326 years: more nanoseconds than a long holds.
        Duration centuries = Duration.between(Instant.parse("1700-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"));
        try (ServerMetrics m = new ServerMetrics()) {
            assertThatCode(() -> {
                m.attemptStarted(task(), centuries);
                m.attemptFinished(task(), EngineObserver.AttemptOutcome.COMPLETED, centuries);
                m.slotFired(centuries);
                m.slotFired(Duration.ofSeconds(-5));
            }).doesNotThrowAnyException();
            assertThat(m.scrape()).contains("coxswain_dispatch_latency_seconds_count{type=\"shell\"} 1");
        }
    }
}
