package dev.coxswain.core.engine;

import static dev.coxswain.core.engine.EngineHarness.block;
import static dev.coxswain.core.engine.EngineHarness.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.ScriptedExecutor.Kind;
import dev.coxswain.core.engine.ScriptedExecutor.Step;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.core.service.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Dependencies: dependents run only after what they depend on completed; failures propagate. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class DependencyTest extends EngineTestBase {

    @Test
    void chainRunsInOrderEachStartingOnlyAfterItsDependencyCompleted() {
        // Concurrency 4: nothing but the dependencies keeps B and C from running early. The graph
        // is created before the engine starts, so every dependency is unfinished when declared.
        h.build(c -> c);
        // What the store said about each task's dependency at the moment the task started.
        Map<Long, TaskStatus> depAtStart = new ConcurrentHashMap<>();
        Map<Long, Long> depOf = new ConcurrentHashMap<>();
        h.script.onStart = ctx -> {
            Long dep = depOf.get(ctx.taskId());
            if (dep != null) depAtStart.put(ctx.taskId(), h.task(dep).status());
        };
        // Created dependents-last as a client would; each attempt takes a while so an early start would overlap.
        Task a = h.create(script("A").payload("sleep_ms", 150));
        Task b = h.create(script("B").payload("sleep_ms", 150).dependsOn(a.id()));
        depOf.put(b.id(), a.id());
        Task c = h.create(script("C").payload("sleep_ms", 150).dependsOn(b.id()));
        depOf.put(c.id(), b.id());
        assertThat(b.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(c.status()).isEqualTo(TaskStatus.PENDING);
        h.engine.start();

        h.awaitStatus(c.id(), TaskStatus.COMPLETED);

        List<String> order = h.script.steps().stream().map(s -> s.kind() + ":" + name(s, a, b, c)).toList();
        assertThat(order).containsExactly("START:A", "FINISH:A", "START:B", "FINISH:B", "START:C", "FINISH:C");
        assertThat(depAtStart).containsEntry(b.id(), TaskStatus.COMPLETED).containsEntry(c.id(), TaskStatus.COMPLETED);
        for (Task t : List.of(h.task(a.id()), h.task(b.id()), h.task(c.id()))) {
            assertThat(t.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(t.attempt()).as("%s ran once", t.name()).isEqualTo(1);
        }
        assertThat(h.task(c.id()).dependencies()).containsExactly(b.id());
    }

    @Test
    void taskWithSeveralDependenciesWaitsForAllOfThem() throws Exception {
        h.start();
        Task a = h.create(block("A"));
        Task b = h.create(block("B"));
        Task d = h.create(script("D").dependsOn(a.id(), b.id()));
        h.block.awaitStarted(a.id());
        h.block.awaitStarted(b.id());

        h.block.release(a.id(), true);
        h.awaitStatus(a.id(), TaskStatus.COMPLETED);
        h.holds(d.id(), "pending while B runs", t -> t.status() == TaskStatus.PENDING);
        assertThat(h.script.starts(d.id())).isZero();

        h.block.release(b.id(), true);
        h.awaitStatus(d.id(), TaskStatus.COMPLETED);
        assertThat(h.script.starts(d.id())).isEqualTo(1);
    }

    @Test
    void failedDependencyFailsDependentsTransitivelyNamingTheDependency() {
        h.start();
        Task a = h.create(block("A").maxRetries(0));
        Task b = h.create(script("B").dependsOn(a.id()));
        Task c = h.create(script("C").dependsOn(b.id()));
        Task unrelated = h.create(script("unrelated"));
        h.awaitStatus(unrelated.id(), TaskStatus.COMPLETED);

        h.block.release(a.id(), false);

        Task fa = h.awaitStatus(a.id(), TaskStatus.FAILED);
        assertThat(fa.error()).isEqualTo("released as a failure");
        Task fb = h.awaitStatus(b.id(), TaskStatus.FAILED);
        Task fc = h.awaitStatus(c.id(), TaskStatus.FAILED);
        assertThat(fb.error()).contains("task-" + a.id()).contains("failed");
        assertThat(fc.error()).contains("task-" + b.id()).contains("failed");
        assertThat(fb.completedAt()).isNotNull();
        assertThat(h.script.starts(b.id())).isZero();
        assertThat(h.script.starts(c.id())).isZero();
        assertThat(h.logs(b.id())).anySatisfy(l -> assertThat(l.message()).contains("task-" + a.id()));
        // A failed task cannot be depended on any more.
        assertThatThrownBy(() -> h.create(script("late").dependsOn(a.id())))
                .isInstanceOf(ValidationException.class).hasMessageContaining("task-" + a.id());
    }

    @Test
    void dependencyBeingRetriedKeepsDependentsWaitingUntilItSucceeds() {
        h.start();
        Task a = h.create(script("A").payload("fail_attempts", 1).maxRetries(1));
        Task b = h.create(script("B").dependsOn(a.id()));

        Task retrying = h.awaitTask(a.id(), "waiting for its retry", t -> t.status() == TaskStatus.PENDING && t.retryCount() == 1);
        assertThat(h.task(b.id()).status()).isEqualTo(TaskStatus.PENDING);

        h.advance(Duration.between(h.now(), retrying.runAt()).plusMillis(1));
        h.awaitStatus(b.id(), TaskStatus.COMPLETED);
        assertThat(h.task(a.id()).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(h.script.step(Kind.START, b.id()).seq()).isGreaterThan(h.script.steps(a.id()).getLast().seq());
    }

    @Test
    void dependentFailedByItsDependencyRunsWhenBothAreRetried() {
        h.build(c -> c); // A must not fail before B depends on it
        Task a = h.create(script("A").payload("fail_attempts", 1).maxRetries(0));
        Task b = h.create(script("B").dependsOn(a.id()));
        h.engine.start();
        h.awaitStatus(a.id(), TaskStatus.FAILED);
        h.awaitStatus(b.id(), TaskStatus.FAILED);

        h.engine.tasks().retry(a.id());
        h.awaitStatus(a.id(), TaskStatus.COMPLETED); // attempt 2 succeeds
        h.engine.tasks().retry(b.id());

        Task done = h.awaitStatus(b.id(), TaskStatus.COMPLETED);
        assertThat(done.retryCount()).isEqualTo(1);
        assertThat(h.script.starts(b.id())).isEqualTo(1);
    }

    @Test
    void retriedDependentWaitsForADependencyThatIsStillFailedUntilThatCompletes() {
        h.build(c -> c); // A must not fail before B depends on it
        Task a = h.create(script("A").payload("fail_attempts", 1).maxRetries(0));
        Task b = h.create(script("B").dependsOn(a.id()));
        h.engine.start();
        h.awaitStatus(b.id(), TaskStatus.FAILED);

        h.engine.tasks().retry(b.id()); // before its dependency
        h.holds(b.id(), "pending: A has not completed", x -> x.status() == TaskStatus.PENDING);
        assertThat(h.script.starts(b.id())).isZero();

        h.engine.tasks().retry(a.id());
        h.awaitStatus(b.id(), TaskStatus.COMPLETED);
        assertThat(h.script.step(Kind.START, b.id()).seq()).isGreaterThan(h.script.steps(a.id()).getLast().seq());
    }

    @Test
    void cancelledDependencyFailsDependentsTransitivelyNamingTheDependency() throws Exception {
        h.start();
        Task a = h.create(block("A"));
        Task b = h.create(script("B").dependsOn(a.id()));
        Task c = h.create(script("C").dependsOn(b.id()));
        h.block.awaitStarted(a.id());

        Task cancelled = h.engine.tasks().cancel(a.id());
        assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);

        // The cancel fails the dependents in the same transaction.
        Task fb = h.task(b.id());
        Task fc = h.task(c.id());
        assertThat(fb.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(fb.error()).contains("task-" + a.id()).contains("cancelled");
        assertThat(fc.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(fc.error()).contains("task-" + b.id());
        assertThat(h.block.run(a.id()).outcome).succeedsWithin(EngineHarness.WAIT).isNull();
        assertThat(h.block.run(a.id()).stoppedFor).isEqualTo(StopReason.CANCELLED);
        h.holds(a.id(), "cancelled", t -> t.status() == TaskStatus.CANCELLED);
        assertThat(h.script.starts(b.id()) + h.script.starts(c.id())).isZero();
    }

    @Test
    void cancelledPendingDependencyFailsItsDependents() {
        h.start();
        Task a = h.create(script("A").scheduledAt(h.now().plusSeconds(3600)));
        Task b = h.create(script("B").dependsOn(a.id()));
        assertThat(a.status()).isEqualTo(TaskStatus.PENDING);

        h.engine.tasks().cancel(a.id());

        Task fb = h.task(b.id());
        assertThat(fb.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(fb.error()).contains("task-" + a.id()).contains("cancelled");
        h.advance(Duration.ofHours(2));
        h.holds(a.id(), "cancelled, never run", t -> t.status() == TaskStatus.CANCELLED);
        assertThat(h.script.starts(a.id()) + h.script.starts(b.id())).isZero();
    }

    private static String name(Step s, Task a, Task b, Task c) {
        return s.taskId() == a.id() ? "A" : s.taskId() == b.id() ? "B" : s.taskId() == c.id() ? "C" : "?" + s.taskId();
    }
}
