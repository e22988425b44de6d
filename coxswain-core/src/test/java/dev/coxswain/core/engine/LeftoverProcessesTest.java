package dev.coxswain.core.engine;

import static dev.coxswain.core.engine.EngineHarness.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.ProcessIdentity;
import dev.coxswain.core.store.ProcessStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A node that was killed leaves the process groups of its attempts in {@code attempt_processes}.
 * Started again, it stops those still running before it claims anything (so a retry never runs
 * beside its orphan), and never signals a process that merely got a recorded pid.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class LeftoverProcessesTest extends EngineTestBase {
    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killWhatThisTestStarted() {
        for (long pid : started) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /**
     * A {@code sleep} leading its own session whose parent already exited, like the group of an
     * attempt whose node died: not a child of this JVM.
     */
    private ProcessIdentity orphan() throws Exception {
        Process p = new ProcessBuilder("setsid", "sh", "-c", "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long pid = Long.parseLong(new BufferedReader(new InputStreamReader(p.getInputStream())).readLine().trim());
        started.add(pid);
        p.waitFor();
        // setsid forks when its caller leads a group; the sleep is whichever process leads session `pid`.
        ProcessIdentity id = await().atMost(Duration.ofSeconds(10)).until(() -> ProcessIdentity.of(pid).orElse(null),
                i -> i != null && i.state() == ProcessIdentity.State.RUNS);
        return id;
    }

    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void record(long taskId, int attempt, ProcessIdentity leader) {
        h.db.write(tx -> {
            new ProcessStore().insert(tx, new ProcessStore.Entry(taskId, attempt, EngineHarness.WORKER_ID, "test-host",
                    leader, h.now()));
            return null;
        });
    }

    private long recordedRows() {
        return h.db.read(c -> dev.coxswain.core.store.Sql.count(c, "SELECT COUNT(*) FROM attempt_processes"));
    }

    @Test
    void aRestartedNodeStopsItsLeftoverGroupBeforeItClaimsAnything() throws Exception {
        ProcessIdentity left = orphan();
        record(1000, 1, left);
        h.build(c -> c);
        // Queued before the start: the first thing the node claims. It reports whether the leftover
        // still ran when the attempt began.
        Task probe = h.create(shell("probe", "s=$(cut -d' ' -f3 /proc/" + left.pid() + "/stat 2>/dev/null);"
                + " case \"$s\" in ''|Z|X) echo gone;; *) echo running;; esac"));
        h.engine.start();
        assertThat(h.awaitStatus(probe.id(), TaskStatus.COMPLETED).result()).isEqualTo("gone");
        assertThat(running(left.pid())).isFalse();
        // The probe's own record went with its completion.
        assertThat(recordedRows()).isZero();
    }

    @Test
    void aRecordWhosePidNowBelongsToAnotherProcessSignalsNothing() throws Exception {
        ProcessIdentity other = orphan();
        // Same pid, another start time: the recorded process is gone and the pid was reused.
        record(1000, 1, new ProcessIdentity(other.pid(), other.startTicks() - 1, other.bootId()));
        // Same pid and start time, but recorded during another boot.
        record(1001, 1, new ProcessIdentity(other.pid(), other.startTicks(), "another-boot"));
        h.start();
        assertThat(running(other.pid())).isTrue();
        assertThat(recordedRows()).as("stale records are forgotten").isZero();
    }

    @Test
    void aRunningShellAttemptHasItsGroupRecorded() throws Exception {
        h.start();
        Task t = h.create(shell("recorded", "echo $$; sleep 30"));
        h.awaitTask(t.id(), "running", x -> x.status() == TaskStatus.RUNNING);
        // The record goes with the Completer's next write: within a flush interval or so.
        long pid = await().atMost(Duration.ofSeconds(10)).until(() -> h.db.read(c -> {
            try (var ps = c.prepareStatement("SELECT pid FROM attempt_processes WHERE task_id = ? AND attempt = 1")) {
                ps.setLong(1, t.id());
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        }), p -> p > 0);
        assertThat(running(pid)).as("the recorded leader runs").isTrue();
        h.engine.tasks().cancel(t.id());
        h.awaitStatus(t.id(), TaskStatus.CANCELLED);
        await().atMost(Duration.ofSeconds(10)).until(() -> recordedRows() == 0);
    }
}
