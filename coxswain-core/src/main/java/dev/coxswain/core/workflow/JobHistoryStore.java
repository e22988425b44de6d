package dev.coxswain.core.workflow;

import dev.coxswain.core.Json;
import dev.coxswain.core.store.Sql;
import dev.coxswain.core.store.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The {@code job_history} table: every event of every job, in order. */
final class JobHistoryStore {

    void append(Tx tx, List<JobEvent> events) throws SQLException {
        if (events.isEmpty()) return;
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO job_history (job_id, ts, event_type,"
                + " state, previous_state, next_state, worker_id, task_id, attempt, duration_ms, data)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (JobEvent e : events) {
                ps.setString(1, e.jobId());
                ps.setLong(2, e.at().toEpochMilli());
                ps.setString(3, e.type());
                ps.setString(4, e.state());
                ps.setString(5, e.previousState());
                ps.setString(6, e.nextState());
                ps.setString(7, e.workerId());
                if (e.taskId() == null) ps.setNull(8, Types.BIGINT);
                else ps.setLong(8, e.taskId());
                Sql.setInt(ps, 9, e.attempt());
                if (e.durationMs() == null) ps.setNull(10, Types.BIGINT);
                else ps.setLong(10, e.durationMs());
                ps.setString(11, e.data() == null ? null : Json.write(e.data()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    List<JobEvent> of(Connection c, String jobId) throws SQLException {
        List<JobEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, job_id, ts, event_type, state, previous_state,"
                + " next_state, worker_id, task_id, attempt, duration_ms, data FROM job_history WHERE job_id = ? ORDER BY id")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long task = rs.getLong(9);
                    Long taskId = rs.wasNull() ? null : task;
                    long dur = rs.getLong(11);
                    Long duration = rs.wasNull() ? null : dur;
                    String data = rs.getString(12);
                    out.add(new JobEvent(rs.getLong(1), rs.getString(2), Sql.instant(rs, 3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), taskId,
                            Sql.integer(rs, 10), duration, data == null ? null : Json.read(data)));
                }
            }
        }
        return out;
    }
}
