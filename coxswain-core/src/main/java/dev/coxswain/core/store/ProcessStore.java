package dev.coxswain.core.store;

import dev.coxswain.core.exec.ProcessIdentity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The process groups that running attempts lead on their node ({@code attempt_processes}): written
 * before an attempt's command runs, removed with its completion, read by a node at start-up to
 * stop what its previous life left running.
 */
public final class ProcessStore {

    /** One attempt's process group; the leader's pid is the group id. */
    public record Entry(long taskId, int attempt, String workerId, String hostname, ProcessIdentity leader,
                        Instant startedAt) {
    }

    /** An attempt of a task, as a completion names it. */
    public record AttemptKey(long taskId, int attempt) {
    }

    /** Records a group; a stale record of the same attempt (never expected) is replaced, not a reason to fail it. */
    public void insert(Tx tx, Entry e) throws SQLException {
        delete(tx, e.taskId(), e.attempt());
        TaskStore.exec(tx.connection(), "INSERT INTO attempt_processes (task_id, attempt, worker_id, hostname, boot_id,"
                + " pid, start_ticks, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", e.taskId(), e.attempt(), e.workerId(),
                e.hostname(), e.leader().bootId(), e.leader().pid(), e.leader().startTicks(), e.startedAt().toEpochMilli());
    }

    /** Forgets the groups of attempts that ended (most attempts run no process: one batch, few rows). */
    public void deleteAll(Tx tx, List<AttemptKey> attempts) throws SQLException {
        if (attempts.isEmpty()) return;
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "DELETE FROM attempt_processes WHERE task_id = ? AND attempt = ?")) {
            for (AttemptKey a : attempts) {
                ps.setLong(1, a.taskId());
                ps.setInt(2, a.attempt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public void delete(Tx tx, long taskId, int attempt) throws SQLException {
        deleteAll(tx, List.of(new AttemptKey(taskId, attempt)));
    }

    /** Every group recorded by this worker on this host. */
    public List<Entry> ofWorker(Connection c, String workerId, String hostname) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT task_id, attempt, boot_id, pid, start_ticks, started_at"
                + " FROM attempt_processes WHERE worker_id = ? AND hostname = ? ORDER BY task_id, attempt")) {
            ps.setString(1, workerId);
            ps.setString(2, hostname);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), rs.getInt(2), workerId, hostname,
                            new ProcessIdentity(rs.getLong(4), rs.getLong(5), rs.getString(3)),
                            Instant.ofEpochMilli(rs.getLong(6))));
                }
            }
        }
        return out;
    }
}
