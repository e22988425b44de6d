package dev.coxswain.core.engine;

import static dev.coxswain.core.engine.EngineHarness.block;
import static dev.coxswain.core.engine.EngineHarness.shell;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.runtime.EngineObserver;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Observers (metrics) run after a claim has committed: whatever they throw must neither keep the
 * claimed attempt from running nor leak its slot. (Seen: a timer that overflowed on a latency of
 * three centuries left the task running forever and the slot taken until restart.)
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class ObserverFailureTest extends EngineTestBase {

    /** Throws from every callback, like a metrics registry on an out-of-range duration. */
    private static final class Throwing implements EngineObserver {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void attemptStarted(Task t, Duration latency) {
            calls.incrementAndGet();
            throw new ArithmeticException("long overflow");
        }

        @Override
        public void attemptFinished(Task t, AttemptOutcome outcome, Duration took) {
            calls.incrementAndGet();
            throw new IllegalStateException("metrics broke");
        }
    }

    private Engine startWith(EngineObserver observer) {
        h.engine = h.engine(h.config().withConcurrency(1), new SplittableRandom(42), h.executors(), observer);
        h.engine.start();
        return h.engine;
    }

    @Test
    void attemptsRunAndFreeTheirSlotWhenTheObserverThrows() {
        Throwing observer = new Throwing();
        Engine e = startWith(observer);
        // One slot: the second task can only run if the first attempt gave its slot back.
        Task a = h.create(shell("first", "echo one"));
        Task b = h.create(shell("second", "echo two"));
        assertThat(h.awaitStatus(a.id(), TaskStatus.COMPLETED).result()).isEqualTo("one");
        assertThat(h.awaitStatus(b.id(), TaskStatus.COMPLETED).result()).isEqualTo("two");
        assertThat(observer.calls.get()).isEqualTo(4);
        assertThat(e.localWorker().freeSlots()).isEqualTo(1);
    }

    @Test
    void aCancelledAttemptFreesItsSlotWhenTheObserverThrows() {
        startWith(new Throwing());
        Task a = h.create(block("held"));
        h.awaitStatus(a.id(), TaskStatus.RUNNING);
        h.engine.tasks().cancel(a.id());
        Task b = h.create(shell("next", "echo next"));
        assertThat(h.awaitStatus(b.id(), TaskStatus.COMPLETED).result()).isEqualTo("next");
    }
}
