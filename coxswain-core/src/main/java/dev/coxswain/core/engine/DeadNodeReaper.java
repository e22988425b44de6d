package dev.coxswain.core.engine;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.runtime.Signal;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sees another node's death at once instead of at its lease's end (PostgreSQL): every node holds
 * a session lock on its bus connection, which ends with the node. A worker that has running
 * attempts but whose lock nobody holds is suspect; one still suspect a poll later (at least
 * {@code confirm} after it was first seen) is reaped, its attempts failed as a lost lease is.
 *
 * <p>A live node whose bus connection alone dropped reconnects at once and takes its lock again,
 * well within {@code confirm}, so it is not reaped. The reap itself runs under the dead node's
 * lock, taken for the transaction ({@code pg_try_advisory_xact_lock}): if the node came back, the
 * lock is taken and nothing is reaped. A node that stays cut off from its lock longer than that is
 * reaped like a dead one; its heartbeat stops the superseded attempts as soon as it can (it is
 * woken on reconnect), as after a lost lease. Leases remain the fallback for everything else.
 */
public final class DeadNodeReaper implements Duty {
    private final Database db;
    private final TaskStore tasks;
    private final TaskTransitions transitions;
    private final Clock clock;
    private final Signal promote;
    private final String self;
    private final Duration interval;
    private final Duration confirm;
    /** Workers seen without their lock, and when first seen so. */
    private final Map<String, Instant> suspects = new HashMap<>();

    public DeadNodeReaper(Database db, TaskStore tasks, TaskTransitions transitions, Clock clock, Signal promote,
                          String self, Duration interval, Duration confirm) {
        this.db = db;
        this.tasks = tasks;
        this.transitions = transitions;
        this.clock = clock;
        this.promote = promote;
        this.self = self;
        this.interval = interval;
        this.confirm = confirm;
    }

    @Override
    public String name() {
        return "dead-node-reaper";
    }

    @Override
    public Duration runOnce() {
        Instant now = clock.instant();
        List<String> free = db.read(c -> db.dialect().workersWithFreeNodeLock(c, self));
        suspects.keySet().retainAll(free);
        int reaped = 0;
        for (String worker : free) {
            Instant since = suspects.putIfAbsent(worker, now);
            if (since == null || Duration.between(since, now).compareTo(confirm) < 0) continue;
            suspects.remove(worker);
            reaped += db.write(tx -> db.dialect().tryNodeLockForTransaction(tx.connection(), worker)
                    ? reap(tx, worker, now, "worker " + worker + " is gone (its database session ended)") : 0);
        }
        if (reaped > 0) promote.raise();
        return interval;
    }

    /**
     * Fails every attempt the store shows running on {@code worker}, as failed attempts (retried
     * per their policy), through the same transition as an expired lease.
     */
    int reap(Tx tx, String worker, Instant now, String why) throws SQLException {
        int n = 0;
        for (long id : tasks.runningIds(tx.connection(), worker)) {
            Task t = tasks.findForUpdate(tx, id);
            if (t != null && t.status() == TaskStatus.RUNNING && worker.equals(t.workerId())) {
                transitions.attemptLost(tx, t, now, why);
                n++;
            }
        }
        return n;
    }

    /**
     * At start-up, before this node claims anything: attempts the store shows running on this
     * node's own worker id belong to an earlier process with the same id (killed, or crashed), and
     * nothing runs them any more.
     */
    public int reapOwnLeftovers() {
        Instant now = clock.instant();
        int n = db.write(tx -> {
            db.dialect().recordNodeLock(tx.connection(), self, false);
            return reap(tx, self, now, "worker " + self + " restarted while the attempt ran");
        });
        if (n > 0) promote.raise();
        return n;
    }
}
