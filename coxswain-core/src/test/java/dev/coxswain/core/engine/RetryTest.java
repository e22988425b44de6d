package dev.coxswain.core.engine;

import static dev.coxswain.core.engine.EngineHarness.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.service.ConflictException;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Failed attempts with retries left go back to pending for 2^n s (±10 % jitter) of clock time,
 * then run again; the last allowed failure fails the task.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class RetryTest extends EngineTestBase {

    /** A random source whose every double is {@code d}: pins the jitter to one end of its range. */
    private static RandomGenerator constant(double d) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return d;
            }
        };
    }

    @Test
    void failsTwiceThenSucceedsWithRetryCountTwoAfterExponentialBackoff() {
        h.start();
        Task t = h.create(script("flaky").payload("fail_attempts", 2).maxRetries(3));

        // Attempt 1 fails: pending, first retry due 2 s ±10 % of clock time after the failure.
        Task r1 = h.awaitTask(t.id(), "first retry scheduled", x -> x.status() == TaskStatus.PENDING && x.retryCount() == 1);
        Instant failedAt = h.now(); // the clock has not moved since the failure
        assertThat(Duration.between(failedAt, r1.runAt())).isBetween(Duration.ofMillis(1800), Duration.ofMillis(2200));
        assertThat(r1.error()).isEqualTo("scripted failure on attempt 1");
        assertThat(r1.workerId()).isNull();
        h.holds(t.id(), "pending: its backoff has not passed", x -> x.status() == TaskStatus.PENDING);
        assertThat(h.script.starts(t.id())).isEqualTo(1);

        h.advance(Duration.ofMillis(1790)); // still inside the backoff window for every jitter
        h.holds(t.id(), "pending until the backoff passes", x -> x.status() == TaskStatus.PENDING);
        assertThat(h.script.starts(t.id())).isEqualTo(1);

        // Attempt 2 fails: the second retry waits 4 s ±10 %.
        h.advance(Duration.between(h.now(), r1.runAt()));
        Task r2 = h.awaitTask(t.id(), "second retry scheduled", x -> x.status() == TaskStatus.PENDING && x.retryCount() == 2);
        assertThat(Duration.between(h.now(), r2.runAt())).isBetween(Duration.ofMillis(3600), Duration.ofMillis(4400));
        assertThat(h.script.starts(t.id())).isEqualTo(2);
        h.advance(Duration.ofMillis(3590));
        h.holds(t.id(), "pending during the second backoff", x -> x.status() == TaskStatus.PENDING);

        h.advance(Duration.between(h.now(), r2.runAt()));
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        assertThat(done.retryCount()).isEqualTo(2);
        assertThat(done.attempt()).isEqualTo(3);
        assertThat(done.error()).isNull();
        assertThat(done.result()).isEqualTo("done on attempt 3");
        assertThat(h.script.starts(t.id())).isEqualTo(3);
        assertThat(h.logs(t.id())).filteredOn(l -> l.level() == LogLevel.WARN).extracting(l -> l.message())
                .anySatisfy(m -> assertThat(m).startsWith("Attempt 1 failed: scripted failure on attempt 1").contains("retry 1 of 3"))
                .anySatisfy(m -> assertThat(m).startsWith("Attempt 2 failed").contains("retry 2 of 3"));
    }

    @Test
    void backoffAtTheTopOfTheJitterWindowIsNotCutShort() {
        h.engine = h.engine(h.config(), constant(0.999_999), h.executors()); // factor 1.1: 2.2 s
        h.engine.start();
        Task t = h.create(script("flaky").payload("fail_attempts", 1).maxRetries(1));
        Task r1 = h.awaitTask(t.id(), "retry scheduled", x -> x.status() == TaskStatus.PENDING && x.retryCount() == 1);
        assertThat(Duration.between(h.now(), r1.runAt())).isEqualTo(Duration.ofMillis(2200));

        h.advance(Duration.ofMillis(2150));
        h.holds(t.id(), "pending at 2.15 s of a 2.2 s backoff", x -> x.status() == TaskStatus.PENDING);
        assertThat(h.script.starts(t.id())).isEqualTo(1);

        h.advance(Duration.ofMillis(50));
        assertThat(h.awaitStatus(t.id(), TaskStatus.COMPLETED).retryCount()).isEqualTo(1);
    }

    @Test
    void backoffAtTheBottomOfTheJitterWindowRunsAfterNinetyPercent() {
        h.engine = h.engine(h.config(), constant(0.0), h.executors()); // factor 0.9: 1.8 s
        h.engine.start();
        Task t = h.create(script("flaky").payload("fail_attempts", 1).maxRetries(1));
        Task r1 = h.awaitTask(t.id(), "retry scheduled", x -> x.status() == TaskStatus.PENDING && x.retryCount() == 1);
        assertThat(Duration.between(h.now(), r1.runAt())).isEqualTo(Duration.ofMillis(1800));

        h.advance(Duration.ofMillis(1790));
        h.holds(t.id(), "pending at 1.79 s of a 1.8 s backoff", x -> x.status() == TaskStatus.PENDING);
        h.advance(Duration.ofMillis(10));
        assertThat(h.awaitStatus(t.id(), TaskStatus.COMPLETED).attempt()).isEqualTo(2);
    }

    @Test
    void fixedBackoffWaitsTheSameEveryTime() {
        h.start();
        Task t = h.create(script("flaky").payload("fail_attempts", 2).maxRetries(2).backoff(Backoff.fixed(10)));
        for (int retry = 1; retry <= 2; retry++) {
            int n = retry;
            Task r = h.awaitTask(t.id(), "retry " + n, x -> x.status() == TaskStatus.PENDING && x.retryCount() == n);
            assertThat(Duration.between(h.now(), r.runAt())).isEqualTo(Duration.ofSeconds(10));
            h.advance(Duration.ofSeconds(9));
            h.holds(t.id(), "pending", x -> x.status() == TaskStatus.PENDING);
            h.advance(Duration.ofSeconds(1));
        }
        assertThat(h.awaitStatus(t.id(), TaskStatus.COMPLETED).retryCount()).isEqualTo(2);
    }

    @Test
    void exhaustingMaxRetriesFailsTheTaskWithTheLastError() {
        h.start();
        Task t = h.create(script("doomed").payload("fail_attempts", 99).maxRetries(2));
        for (int retry = 1; retry <= 2; retry++) {
            int n = retry;
            Task r = h.awaitTask(t.id(), "retry " + n, x -> x.status() == TaskStatus.PENDING && x.retryCount() == n);
            h.advance(Duration.between(h.now(), r.runAt()));
        }
        Task failed = h.awaitStatus(t.id(), TaskStatus.FAILED);
        assertThat(failed.retryCount()).isEqualTo(2);
        assertThat(failed.attempt()).isEqualTo(3);
        assertThat(failed.error()).isEqualTo("scripted failure on attempt 3");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.completedAt()).isEqualTo(h.now());
        assertThat(h.logs(t.id())).filteredOn(l -> l.level() == LogLevel.ERROR).extracting(l -> l.message())
                .containsExactly("Task failed: scripted failure on attempt 3 (after 2 retries)");

        // Nothing runs it again, however much time passes.
        h.advance(Duration.ofHours(1));
        h.holds(t.id(), "failed for good", x -> x.status() == TaskStatus.FAILED);
        assertThat(h.script.starts(t.id())).isEqualTo(3);
    }

    @Test
    void noRetriesMeansTheFirstFailureIsFinal() {
        h.start();
        Task t = h.create(script("once").payload("fail_attempts", 1).maxRetries(0));
        Task failed = h.awaitStatus(t.id(), TaskStatus.FAILED);
        assertThat(failed.retryCount()).isZero();
        assertThat(failed.attempt()).isEqualTo(1);
        assertThat(failed.error()).isEqualTo("scripted failure on attempt 1");
    }

    @Test
    void manualRetryOfAFailedTaskRunsItAgainAtOnce() {
        h.start();
        Task t = h.create(script("once").payload("fail_attempts", 1).maxRetries(0));
        h.awaitStatus(t.id(), TaskStatus.FAILED);
        assertThatThrownBy(() -> h.engine.tasks().retry(h.create(script("ok")).id()))
                .isInstanceOf(ConflictException.class);

        Task retried = h.engine.tasks().retry(t.id());
        assertThat(retried.retryCount()).isEqualTo(1);
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED); // no clock advance needed
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.retryCount()).isEqualTo(1);
        assertThat(done.error()).isNull();
        assertThat(h.script.starts(t.id())).isEqualTo(2);
    }
}
