package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.SQLException;

/** SQLite: one writer at a time already, so claims and reads-for-update need no row locks. */
public final class SqliteDialect implements SqlDialect {
    @Override
    public boolean singleWriter() {
        return true;
    }

    @Override
    public String name() {
        return "sqlite";
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code INDEXED BY} pins the queue's partial index, which already yields rows in claim
     * order. Left to itself (no ANALYZE statistics) SQLite picks {@code ix_tasks_status_created}
     * for {@code status = ?} and sorts every queued row in a temp B-tree on each claim: O(backlog)
     * inside the single writer, ~10 ms per claim at 50k queued tasks.
     */
    @Override
    public String claimSql(int typeCount, String returning) {
        return "UPDATE tasks SET status = 'running', worker_id = ?, started_at = ?, updated_at = ?,"
                + " lease_until = ?, " + Lifecycle.CLAIM_SETS + ", attempt = attempt + 1, log_count = log_count + 1,"
                + " progress = NULL, progress_message = NULL" // a new attempt has reported no progress yet
                + " WHERE id IN (SELECT id FROM tasks INDEXED BY ix_tasks_queue WHERE status = 'queued' AND routed IS NULL AND type IN ("
                + placeholders(typeCount) + ") ORDER BY priority DESC, id LIMIT ?)"
                + " RETURNING " + returning;
    }

    /**
     * Pinned for the same reason as the claim: without statistics SQLite reads every queued row
     * through {@code ix_tasks_status_created} and sorts them, and the dispatcher asks this for
     * each held poll of each remote worker in each pass, inside the single writer (16 benchmark
     * workers: ~750 tasks/s with 5,000 queued, ~230 with 30,000). The partial index holds only
     * the routed tasks, usually none.
     */
    @Override
    public String routedQueue() {
        return "tasks INDEXED BY ix_tasks_routed_queue";
    }

    @Override
    public String pinIndex(String index) {
        return " INDEXED BY " + index;
    }

    @Override
    public String mean(long sum, long count) {
        // avg() over integers returns their exact sum as a double divided by the count.
        return "CAST(" + sum + " AS REAL) / " + count;
    }

    @Override
    public String forUpdate() {
        return "";
    }

    @Override
    public String lockSchedulesSql(int n) {
        return "SELECT * FROM schedules WHERE id IN (" + placeholders(n) + ") ORDER BY id";
    }

    /** UPDATE … FROM a VALUES list (its columns are column1 … column6). */
    @Override
    public String advanceSchedulesSql(int n) {
        StringBuilder sb = new StringBuilder("UPDATE schedules SET next_run_at = v.column3, status = v.column4,"
                + " last_slot_at = COALESCE(v.column5, last_slot_at), last_task_id = COALESCE(v.column6, last_task_id),"
                + " updated_at = ? FROM (VALUES ");
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
        return sb.append(") AS v WHERE schedules.id = v.column1 AND schedules.next_run_at = v.column2").toString();
    }

    @Override
    public void lockForMigration(Connection c) {
        // The single writer connection already excludes every other writer.
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("UNIQUE constraint failed");
    }

    static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
