package dev.coxswain.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.exec.Completion;
import dev.coxswain.core.exec.ExecutionResult;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Attempt endings wait for room when the Completer falls behind, instead of piling up without bound. */
class CompleterQueueTest {
    @Test
    void aFullQueueMakesTheAttemptThreadWait() throws Exception {
        // Never started: nothing drains the queue, as when the store is unreachable.
        Completer completer = new Completer(null, new TaskLogBuffer(Clock.systemUTC(), 10), Duration.ofMillis(200), () -> { });
        AtomicInteger submitted = new AtomicInteger();
        Thread producer = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; i < 1_000_000; i++) {
                completer.submit(new Completion(i, 1, "w", Completion.Outcome.RESULT, ExecutionResult.ok(0, null), null, null));
                submitted.incrementAndGet();
            }
        });
        await().atMost(Duration.ofSeconds(20))
                .until(() -> producer.getState() == Thread.State.WAITING || !producer.isAlive());
        assertThat(producer.isAlive()).as("held back at the bound").isTrue();
        assertThat(submitted.get()).isLessThan(1_000_000);
    }
}
