package dev.coxswain.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.TaskExecutor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** An executor that says its failure is permanent fails the task at once, retries left or not. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class PermanentFailureTest extends EngineTestBase {
    private static final class Refusing implements TaskExecutor {
        @Override
        public String type() {
            return "refusing";
        }

        @Override
        public ExecutionResult execute(ExecutionContext ctx) {
            return ExecutionResult.failedPermanently(null, null, "refused: not allowed");
        }
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        h.engine = h.engine(h.config(), new SplittableRandom(1), List.of(new Refusing(), h.script));
        h.engine.start();
        Task t = h.create(new EngineHarness.Spec("refusing", "refused").maxRetries(3));
        Task done = h.awaitStatus(t.id(), TaskStatus.FAILED);
        assertThat(done.retryCount()).isZero();
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.error()).isEqualTo("refused: not allowed");
        assertThat(h.logs(t.id())).filteredOn(l -> l.level() == LogLevel.ERROR).extracting(l -> l.message())
                .anySatisfy(m -> assertThat(m).startsWith("Task failed: refused: not allowed").contains("not retried"));

        // An ordinary failure with the same retries left still goes back to pending.
        Task flaky = h.create(EngineHarness.script("flaky").payload("fail_attempts", 1).maxRetries(3));
        h.awaitTask(flaky.id(), "retry scheduled", x -> x.status() == TaskStatus.PENDING && x.retryCount() == 1);
    }
}
