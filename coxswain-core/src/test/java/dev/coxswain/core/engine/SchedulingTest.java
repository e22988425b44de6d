package dev.coxswain.core.engine;

import static dev.coxswain.core.engine.EngineHarness.block;
import static dev.coxswain.core.engine.EngineHarness.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.ScriptedExecutor.Kind;
import dev.coxswain.core.engine.ScriptedExecutor.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** When tasks run: not before scheduled_at (clock time), and by priority when slots are scarce. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class SchedulingTest extends EngineTestBase {

    @Test
    void futureTaskWaitsForTheClockToReachScheduledAt() {
        h.start();
        Instant at = h.now().plus(Duration.ofHours(1));
        Task t = h.create(script("later").scheduledAt(at));
        assertThat(t.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(t.scheduledAt()).isEqualTo(at);
        assertThat(t.runAt()).isEqualTo(at);
        h.holds(t.id(), "pending", x -> x.status() == TaskStatus.PENDING);

        h.advance(Duration.ofMinutes(59).plusSeconds(59));
        h.holds(t.id(), "pending a second before its time", x -> x.status() == TaskStatus.PENDING);
        assertThat(h.script.starts(t.id())).isZero();

        h.advance(Duration.ofSeconds(1));
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        assertThat(done.startedAt()).isEqualTo(at);
        assertThat(h.script.starts(t.id())).isEqualTo(1);
    }

    @Test
    void scheduledTasksBecomeDueInTimeOrder() {
        h.start();
        Task late = h.create(script("late").scheduledAt(h.now().plusSeconds(20)));
        Task early = h.create(script("early").scheduledAt(h.now().plusSeconds(10)));

        h.advance(Duration.ofSeconds(10));
        h.awaitStatus(early.id(), TaskStatus.COMPLETED);
        h.holds(late.id(), "pending", x -> x.status() == TaskStatus.PENDING);
        h.advance(Duration.ofSeconds(10));
        h.awaitStatus(late.id(), TaskStatus.COMPLETED);
    }

    @Test
    void scheduledDependentWaitsForBothItsTimeAndItsDependency() throws Exception {
        h.start();
        Task depLate = h.create(block("finishes after the time"));
        Task timeFirst = h.create(script("time comes first").dependsOn(depLate.id()).scheduledAt(h.now().plusSeconds(60)));
        Task depEarly = h.create(block("finishes before the time"));
        Task depFirst = h.create(script("dependency first").dependsOn(depEarly.id()).scheduledAt(h.now().plusSeconds(120)));
        h.block.awaitStarted(depLate.id());
        h.block.awaitStarted(depEarly.id());

        h.block.release(depEarly.id(), true);
        h.awaitStatus(depEarly.id(), TaskStatus.COMPLETED);
        h.advance(Duration.ofSeconds(60)); // the first one's time has come, its dependency still runs
        h.holds(timeFirst.id(), "pending: its dependency runs", x -> x.status() == TaskStatus.PENDING);
        h.holds(depFirst.id(), "pending: its time has not come", x -> x.status() == TaskStatus.PENDING);

        h.block.release(depLate.id(), true);
        h.awaitStatus(timeFirst.id(), TaskStatus.COMPLETED);
        h.holds(depFirst.id(), "still pending", x -> x.status() == TaskStatus.PENDING);
        h.advance(Duration.ofSeconds(60));
        assertThat(h.awaitStatus(depFirst.id(), TaskStatus.COMPLETED).startedAt()).isEqualTo(EngineHarness.T0.plusSeconds(120));
        assertThat(h.script.starts(timeFirst.id()) + h.script.starts(depFirst.id())).isEqualTo(2);
    }

    @Test
    void pastScheduledAtRunsAtOnce() {
        h.start();
        Task t = h.create(script("overdue").scheduledAt(h.now().minusSeconds(60)));
        assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
        h.awaitStatus(t.id(), TaskStatus.COMPLETED);
    }

    @Test
    void withOneSlotQueuedTasksRunByPriorityThenAge() throws Exception {
        h.start(c -> c.withConcurrency(1));
        Task busy = h.create(block("busy").priority(1));
        h.block.awaitStarted(busy.id());
        Task p3 = h.create(script("p3").priority(3));
        Task p9a = h.create(script("p9a").priority(9));
        Task p5 = h.create(script("p5").priority(5));
        Task p9b = h.create(script("p9b").priority(9));
        Task p1 = h.create(script("p1").priority(1));
        Task p10 = h.create(script("p10").priority(10));
        for (Task t : List.of(p3, p9a, p5, p9b, p1, p10)) assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);

        h.block.release(busy.id(), true);
        h.awaitStatus(p1.id(), TaskStatus.COMPLETED);

        List<Long> order = h.script.steps().stream().filter(s -> s.kind() == Kind.START).map(Step::taskId).toList();
        assertThat(order).containsExactly(p10.id(), p9a.id(), p9b.id(), p5.id(), p3.id(), p1.id());
        // One at a time: each started after the one before it finished.
        List<Step> steps = h.script.steps();
        for (int i = 0; i < steps.size(); i++) {
            assertThat(steps.get(i).kind()).isEqualTo(i % 2 == 0 ? Kind.START : Kind.FINISH);
        }
    }
}
