package dev.coxswain.core.engine;

import static dev.coxswain.core.engine.EngineHarness.script;
import static dev.coxswain.core.engine.EngineHarness.shell;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Task logs: lifecycle lines and the task's own output, with levels, bounded per task. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class TaskLogTest extends EngineTestBase {

    private static List<String> messages(List<TaskLog> logs) {
        return logs.stream().map(TaskLog::message).toList();
    }

    /** Output lines: everything but the engine's own lifecycle lines. */
    private static List<String> output(List<TaskLog> logs) {
        return messages(logs).stream().filter(m -> !m.startsWith("Task ") && !m.startsWith("Attempt ")
                && !m.contains("output lines dropped")).toList();
    }

    @Test
    void creatingATaskDerivesItsEventAndFirstLineAndQueuesItsWebhookDelivery() {
        // The task's row stands for its creation event and line (store.Lifecycle): one row, plus
        // the delivery of the subscribed webhook.
        h.build(c -> c); // not started: nothing but the create runs
        long hook = h.db.write(tx -> new dev.coxswain.core.store.WebhookStore().insert(tx, "http://127.0.0.1:9/",
                "a-test-secret-0123456789", java.util.Set.of("task.created"), true, null, EngineHarness.T0));
        Task t = h.create(script("recorded").scheduledAt(EngineHarness.T0.plusSeconds(3600)));
        assertThat(messages(h.logs(t.id()))).containsExactly("Task created (pending)");
        assertThat(h.task(t.id()).logCount()).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM events WHERE task_id = " + t.id())).isZero();
        assertThat(count("SELECT COUNT(*) FROM task_logs WHERE task_id = " + t.id())).isZero();
        assertThat(count("SELECT COUNT(*) FROM webhook_deliveries WHERE event = 'task.created' AND webhook_id = " + hook
                + " AND task_id = " + t.id())).isEqualTo(1);
    }

    private long count(String sql) {
        return h.db.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void lifecycleAndOutputLinesAreStoredInOrderWithLevels() {
        h.start();
        Task t = h.create(shell("talk", "echo out1; echo err1 >&2; echo out2"));
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        List<TaskLog> logs = h.logs(t.id());

        assertThat(logs.getFirst().message()).isEqualTo("Task created (queued)");
        assertThat(logs.get(1).message()).isEqualTo("Task started execution (attempt 1 on " + EngineHarness.WORKER_ID + ")");
        // A first attempt's start, like the creation and the completion, is derived from the row:
        // only the output is stored.
        assertThat(count("SELECT COUNT(*) FROM events WHERE task_id = " + t.id())).isZero();
        assertThat(count("SELECT COUNT(*) FROM task_logs WHERE task_id = " + t.id())).isEqualTo(3);
        assertThat(logs.getLast().message()).startsWith("Task completed successfully (exit code 0) in ");
        assertThat(logs).filteredOn(l -> l.level() == LogLevel.INFO).extracting(TaskLog::message)
                .containsSubsequence("Task created (queued)", "out1", "out2");
        assertThat(logs).filteredOn(l -> l.level() == LogLevel.ERROR).extracting(TaskLog::message).containsExactly("err1");
        assertThat(logs).hasSize(6);
        assertThat(logs).allSatisfy(l -> assertThat(l.timestamp()).isEqualTo(EngineHarness.T0));
        assertThat(done.logCount()).as("log_count matches the stored lines").isEqualTo(logs.size());
        assertThat(done.result()).isEqualTo("out1\nout2");

        // The level filter.
        var errors = h.engine.tasks().logs(t.id(), LogLevel.ERROR, 0, 100);
        assertThat(errors.total()).isEqualTo(1);
        assertThat(errors.items()).extracting(TaskLog::message).containsExactly("err1");
        var page = h.engine.tasks().logs(t.id(), null, 1, 2);
        assertThat(page.total()).isEqualTo(6);
        assertThat(messages(page.items())).containsExactly(messages(logs).get(1), messages(logs).get(2));
    }

    @Test
    void outputThatReadsLikeALifecycleLineIsCountedLikeAnyOther() {
        h.start();
        // Printed by the task itself: the count must go by who wrote a line, not by its words.
        Task t = h.create(shell("mimic", "echo 'Task completed successfully'; echo 'Task completed successfully (exit code 0)'"));
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        List<TaskLog> logs = h.logs(t.id());
        assertThat(messages(logs)).filteredOn(m -> m.startsWith("Task completed successfully")).hasSize(3);
        assertThat(done.logCount()).as("log_count matches the stored lines").isEqualTo(logs.size());
    }

    @Test
    void failedAttemptsAndTheFinalFailureAreLoggedAsWarningAndError() {
        h.start();
        Task t = h.create(shell("broken", "echo boom >&2; exit 3").maxRetries(1));
        Task retrying = h.awaitStatus(t.id(), TaskStatus.PENDING);
        h.advance(Duration.between(h.now(), retrying.runAt()));
        Task failed = h.awaitStatus(t.id(), TaskStatus.FAILED);
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.error()).isEqualTo("Command exited with code 3");

        List<TaskLog> logs = h.logs(t.id());
        assertThat(logs).filteredOn(l -> l.level() == LogLevel.WARN).extracting(TaskLog::message).singleElement()
                .satisfies(m -> assertThat(m).startsWith("Attempt 1 failed: Command exited with code 3; retrying in ")
                        .endsWith("(retry 1 of 1)"));
        assertThat(logs).filteredOn(l -> l.level() == LogLevel.ERROR).extracting(TaskLog::message)
                .containsExactly("boom", "boom", "Task failed: Command exited with code 3 (after 1 retries)");
        assertThat(messages(logs)).filteredOn(m -> m.startsWith("Task started execution")).hasSize(2);
        assertThat(failed.logCount()).isEqualTo(logs.size());
    }

    @Test
    void outputBeyondThePerTaskBoundIsDroppedWithOneNotice() {
        int max = 20;
        h.start(c -> c.withMaxLogLines(max));
        Task t = h.create(shell("chatty", "seq 1 100"));
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        List<TaskLog> logs = h.logs(t.id());

        // Created + started lines count towards the bound, so 18 output lines fit.
        List<String> kept = IntStream.rangeClosed(1, max - 2).mapToObj(Integer::toString).toList();
        assertThat(output(logs)).containsExactlyElementsOf(kept);
        assertThat(logs).filteredOn(l -> l.level() == LogLevel.WARN).extracting(TaskLog::message)
                .containsExactly((100 - kept.size()) + " output lines dropped: the log keeps at most " + max + " lines per task");
        assertThat(logs.getLast().message()).startsWith("Task completed successfully");
        // Only the drop notice and the lifecycle line of the ending go past the bound.
        assertThat(logs).hasSize(max + 2);
        assertThat(done.logCount()).isEqualTo(logs.size());
        assertThat(done.result()).as("the result is bounded separately").startsWith("1\n2\n3").endsWith("100");
    }

    @Test
    void boundHoldsAcrossAttempts() {
        int max = 20;
        h.start(c -> c.withMaxLogLines(max));
        Task t = h.create(script("chatty").payload("lines", 15).payload("fail_attempts", 1).maxRetries(1));
        Task retrying = h.awaitStatus(t.id(), TaskStatus.PENDING);
        h.advance(Duration.between(h.now(), retrying.runAt()));
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        List<TaskLog> logs = h.logs(t.id());

        // Attempt 1: created + started + 15 lines = 17, then its failure line (18). Attempt 2:
        // started (19) + 1 more line fits; 14 dropped.
        assertThat(output(logs)).hasSize(16);
        assertThat(output(logs).getLast()).isEqualTo("line 1");
        assertThat(messages(logs)).contains("14 output lines dropped: the log keeps at most 20 lines per task");
        assertThat(done.logCount()).isEqualTo(logs.size());
    }
}
