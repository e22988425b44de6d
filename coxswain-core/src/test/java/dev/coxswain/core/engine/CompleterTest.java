package dev.coxswain.core.engine;

import static dev.coxswain.core.engine.EngineHarness.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.Completion;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.store.EventStore;
import dev.coxswain.core.store.LogStore;
import dev.coxswain.core.store.ProcessStore;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.WorkerStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The completer's write can fail (the store is briefly unreachable) and is then retried with the
 * same batch: the output lines it took from the buffer must go with the retry, not be lost.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class CompleterTest extends EngineTestBase {
    private TaskTransitions transitions;
    private TaskLogBuffer buffer;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private Completer completer;

    @BeforeEach
    void build() {
        h.build(c -> c); // not started: this test drives the completer by hand
        TaskStore tasks = new TaskStore(h.db.dialect());
        transitions = new TaskTransitions(tasks, new LogStore(), new EventStore(), new WorkerStore(),
                new Backoff(new SplittableRandom(1)));
        buffer = new TaskLogBuffer(h.clock, 1000);
        Completer.Writer real = Completer.writer(h.db, transitions, new ProcessStore());
        completer = new Completer((batch, lines, started) -> {
            if (failuresLeft.getAndDecrement() > 0) throw new IllegalStateException("store unreachable (injected)");
            real.write(batch, lines, started);
        }, buffer, Duration.ofMillis(50), () -> { });
    }

    /** Creates a task and claims it as this worker: it runs attempt 1. */
    private Task running(String name) {
        Task t = h.create(script(name));
        List<Task> got = h.db.write(tx -> transitions.claimAndStart(tx, EngineHarness.WORKER_ID, Set.of("script"), 1,
                h.now(), h.now().plusSeconds(60)));
        assertThat(got).extracting(Task::id).containsExactly(t.id());
        buffer.open(t.id(), 1, 2);
        return t;
    }

    private Completion success(Task t) {
        return new Completion(t.id(), 1, EngineHarness.WORKER_ID, Completion.Outcome.RESULT, ExecutionResult.ok(0, "done"),
                h.now(), h.now());
    }

    private List<String> output(long id) {
        return h.logs(id).stream().map(TaskLog::message).filter(m -> m.startsWith("out-")).toList();
    }

    @Test
    void aFailedCompletionWriteKeepsTheLinesItTookForTheRetry() {
        Task t = running("lines");
        buffer.add(t.id(), LogLevel.INFO, "out-1");
        buffer.add(t.id(), LogLevel.INFO, "out-2");
        failuresLeft.set(1);
        List<Completion> batch = List.of(success(t));
        assertThatThrownBy(() -> completer.flush(batch)).hasMessageContaining("injected");
        completer.flush(batch); // the completer's retry: the same batch again

        Task done = h.task(t.id());
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(output(t.id())).containsExactly("out-1", "out-2");
        assertThat(done.logCount()).isEqualTo(h.logs(t.id()).size());
    }

    @Test
    void aFailedPeriodicFlushKeepsItsLinesToo() {
        Task t = running("periodic");
        buffer.add(t.id(), LogLevel.INFO, "out-1");
        failuresLeft.set(1);
        assertThatThrownBy(() -> completer.flush(List.of())).hasMessageContaining("injected");
        buffer.add(t.id(), LogLevel.INFO, "out-2");
        completer.flush(List.of(success(t)));
        assertThat(output(t.id())).containsExactly("out-1", "out-2");
        assertThat(h.task(t.id()).logCount()).isEqualTo(h.logs(t.id()).size());
    }

    @Test
    void theCompleterThreadRetriesUntilEveryLineIsWritten() {
        Task t = running("threaded");
        for (int i = 1; i <= 5; i++) buffer.add(t.id(), LogLevel.INFO, "out-" + i);
        failuresLeft.set(2);
        completer.start();
        try {
            completer.submit(success(t));
            h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        } finally {
            completer.stop();
        }
        assertThat(output(t.id())).containsExactly("out-1", "out-2", "out-3", "out-4", "out-5");
    }

    private long processRows() {
        return h.db.read(c -> dev.coxswain.core.store.Sql.count(c, "SELECT COUNT(*) FROM attempt_processes"));
    }

    @Test
    void aProcessGroupIsRecordedWithTheNextWriteEvenAfterAFailureAndForgottenWithItsCompletion() {
        Task t = running("group");
        var leader = new dev.coxswain.core.exec.ProcessIdentity(12345, 678, "boot");
        completer.recordProcess(new ProcessStore.Entry(t.id(), 1, EngineHarness.WORKER_ID, "test-host", leader, h.now()));
        failuresLeft.set(1);
        assertThatThrownBy(() -> completer.flush(List.of())).hasMessageContaining("injected");
        completer.flush(List.of());
        List<ProcessStore.Entry> recorded = h.db.read(c -> new ProcessStore().ofWorker(c, EngineHarness.WORKER_ID, "test-host"));
        assertThat(recorded).extracting(ProcessStore.Entry::leader).containsExactly(leader);
        completer.flush(List.of(success(t)));
        assertThat(processRows()).isZero();
    }

    @Test
    void aProcessGroupWhoseAttemptEndsInTheSameBatchIsNeverWritten() {
        Task t = running("quick");
        completer.recordProcess(new ProcessStore.Entry(t.id(), 1, EngineHarness.WORKER_ID, "test-host",
                new dev.coxswain.core.exec.ProcessIdentity(12345, 678, "boot"), h.now()));
        completer.flush(List.of(success(t)));
        assertThat(processRows()).isZero();
        assertThat(h.task(t.id()).status()).isEqualTo(TaskStatus.COMPLETED);
    }
}
