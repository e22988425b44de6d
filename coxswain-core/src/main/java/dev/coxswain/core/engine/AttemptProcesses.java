package dev.coxswain.core.engine;

import dev.coxswain.core.exec.ProcessIdentity;
import dev.coxswain.core.exec.ProcessLedger;
import dev.coxswain.core.exec.ProcessTree;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.ProcessStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The process groups of this node's attempts, kept in the store so that they outlive this JVM.
 * An attempt's group is handed to the {@link Completer} before its command runs and written with
 * its next batch (the attempt does not wait for that commit: the group's watcher covers the
 * moment in between), and forgotten with the attempt's completion. A node killed without a shutdown leaves its records behind;
 * started again, it stops the groups they name before it claims anything, so no retry of an
 * attempt runs beside what is left of it.
 *
 * <p>The shell wrapper already kills its group when the JVM dies (see {@code ShellExecutor}); this
 * is for what that misses: a watcher that was itself killed, a JVM that died between starting a
 * group and the watcher's start. A group is signalled only when its leader is the very process
 * recorded (pid, start time, boot), so a recycled pid is never hit.
 */
public final class AttemptProcesses implements ProcessLedger.PerAttempt {
    private static final Logger LOG = Logger.getLogger(AttemptProcesses.class.getName());

    private final Database db;
    private final ProcessStore store;
    private final Completer completer;
    private final String workerId;
    private final String hostname;
    private final Clock clock;

    public AttemptProcesses(Database db, ProcessStore store, Completer completer, String workerId, String hostname,
                            Clock clock) {
        this.db = db;
        this.store = store;
        this.completer = completer;
        this.workerId = workerId;
        this.hostname = hostname;
        this.clock = clock;
    }

    @Override
    public ProcessLedger of(long taskId, int attempt) {
        return leader -> completer.recordProcess(
                new ProcessStore.Entry(taskId, attempt, workerId, hostname, leader, clock.instant()));
    }

    /**
     * Stops every group a previous life of this worker left running and forgets their records.
     * Groups led by children of this JVM are attempts running now, and are left alone.
     *
     * @return how many groups were stopped
     */
    public int stopLeftovers() {
        List<ProcessStore.Entry> recorded = db.read(c -> store.ofWorker(c, workerId, hostname));
        List<ProcessStore.AttemptKey> forget = new ArrayList<>();
        int stopped = 0;
        for (ProcessStore.Entry e : recorded) {
            ProcessIdentity.State state = e.leader().state();
            if (state == ProcessIdentity.State.CHILD_OF_THIS_JVM) continue;
            if (state == ProcessIdentity.State.RUNS) {
                Optional<ProcessHandle> h = ProcessHandle.of(e.leader().pid());
                // Checked again on the handle: the pid must not have changed hands in between.
                if (h.isPresent() && e.leader().state() == ProcessIdentity.State.RUNS) {
                    LOG.warning("stopping the process group " + e.leader().pid() + " left running by "
                            + TaskTransitions.ref(e.taskId()) + " attempt " + e.attempt() + " of a previous run of " + workerId);
                    ProcessTree.kill(h.get(), ProcessTree.DEFAULT_GRACE);
                    stopped++;
                }
            }
            forget.add(new ProcessStore.AttemptKey(e.taskId(), e.attempt()));
        }
        if (!forget.isEmpty()) {
            db.write(tx -> {
                store.deleteAll(tx, forget);
                return null;
            });
        }
        return stopped;
    }
}
