package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL: several nodes claim concurrently, so the claim skips rows another transaction has
 * locked instead of waiting for them, and re-checks the status after the lock.
 */
public final class PostgresDialect implements SqlDialect {
    /** Arbitrary constant naming Coxswain's migration advisory lock. */
    private static final long MIGRATION_LOCK = 0x436f78737761696eL;
    /** The first key of every node lock ("Cox\0"); the second is {@link #nodeLockKey}. */
    static final int NODE_LOCK_SPACE = 0x436f7800;
    /** The first key of an owner's device-task lock ("Cox\1"); the second is the owner's hash (a collision only serialises more). */
    static final int OWNER_LOCK_SPACE = 0x436f7801;

    @Override
    public String name() {
        return "postgres";
    }

    /**
     * The locking sub-select is wrapped in {@code ARRAY(...)} so it runs once, as an init plan.
     * Written as {@code id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)} the planner may make it
     * the inner side of a semi-join and rescan it for every row: each rescan skips the rows this
     * statement already updated and returns the next ones, so one claim took far more than n.
     *
     * <p>The update's own re-check of the status goes through {@code coalesce} (status is never
     * null, so it changes nothing) so that only the primary key can find the chosen rows. A plain
     * {@code status = 'queued'} lets the planner serve {@code id = ANY (…)} from
     * {@code ix_tasks_queue} too, whose predicate it implies: when the statistics make the queue
     * look short (no history behind it, or taken before a burst) it walks the whole queue index,
     * and on an empty history visits every queued row's heap tuple, to find the n chosen ids: a
     * second O(backlog) walk on every claim (742 buffers for 64 rows at 2,000 queued).
     */
    @Override
    public String claimSql(int typeCount, String returning) {
        return "UPDATE tasks SET status = 'running', worker_id = ?, started_at = ?, updated_at = ?,"
                + " lease_until = ?, " + Lifecycle.CLAIM_SETS + ", attempt = attempt + 1, log_count = log_count + 1,"
                + " progress = NULL, progress_message = NULL" // a new attempt has reported no progress yet
                + " WHERE id = ANY (ARRAY(SELECT id FROM tasks WHERE status = 'queued' AND routed IS NULL AND type IN ("
                + SqliteDialect.placeholders(typeCount) + ") ORDER BY priority DESC, id LIMIT ?"
                + " FOR UPDATE SKIP LOCKED)) AND coalesce(status, '') = 'queued'"
                + " RETURNING " + returning;
    }

    /**
     * Prices sorts out for the claim, so the planner walks {@code ix_tasks_queue} in claim order
     * and stops after LIMIT rows. Trusting statistics taken while the queue was short (or none, on
     * a new table), it otherwise picks a bitmap scan on {@code status} plus a sort of every queued
     * row: O(backlog) per claim, and a bitmap scan never marks dead index entries, so each claim
     * also re-visits every row queued since the last vacuum.
     */
    @Override
    public void beforeClaim(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL enable_sort = off");
        }
    }

    @Override
    public void afterClaim(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL enable_sort TO DEFAULT");
        }
    }

    /**
     * Keeps the dashboard's lists on a walk of the index in the list's order that stops at the
     * page's end. Sorts are priced out: status and worker_id have no statistics (V6), so the
     * planner takes a filter on either for 0.5 % of the table, and on a store of 20,000 tasks it
     * read all of a worker's tasks through a bitmap scan and sorted them — a quarter of the table
     * when the worker ran a quarter of the tasks. Plans are made for each execution's values: once
     * the driver prepared the tag list on the server, the generic plan (made for a tag of average
     * frequency) walked the whole task table by id and probed each task's tags, 13 ms instead of
     * 0.3 for a tag on one task in a thousand. Session settings (reads run in autocommit, where
     * SET LOCAL does nothing), reset afterwards.
     */
    @Override
    public void beforeIndexOrderedReads(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET enable_sort = off; SET plan_cache_mode = force_custom_plan");
        }
    }

    @Override
    public void afterIndexOrderedReads(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("RESET enable_sort; RESET plan_cache_mode");
        }
    }

    /**
     * At a million tasks, the list of a tag on one task in a thousand took 25 ms written with
     * {@code EXISTS} and 56 ms (p95 325 ms) with {@code id IN (…)}, for which PostgreSQL's plans
     * were worse; a tag on one task in ten took 10 ms either way.
     */
    @Override
    public boolean choosesTagPlans() {
        return true;
    }

    @Override
    public String mean(long sum, long count) {
        // AVG(bigint) divides its numeric sum by the count (numeric_div), to at least 16 significant digits.
        return "CAST(" + sum + " AS NUMERIC) / " + count;
    }

    @Override
    public String forUpdate() {
        return " FOR UPDATE";
    }

    @Override
    public boolean arrayParameters() {
        return true;
    }

    /**
     * Hash and merge joins are priced out for the statement. Told the batch's size (a custom
     * plan) while the table's statistics were stale (100,000 schedules just created), PostgreSQL
     * hashed a sequential scan of every schedule to move 1,000 of them on: 50–85 ms instead of 2.
     * A nested loop over the batch probing the primary key is right for any batch a pass makes.
     */
    @Override
    public void beforeJoinByKey(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off");
        }
    }

    @Override
    public void afterJoinByKey(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL enable_hashjoin TO DEFAULT; SET LOCAL enable_mergejoin TO DEFAULT");
        }
    }

    /**
     * A join from the ids, not {@code id = ANY(?)}: told 1,000 ids, the planner read all 100,000
     * schedules sequentially (stale statistics) instead of probing the key (see
     * {@link #beforeJoinByKey}). Locked after the sort, so in id order.
     */
    @Override
    public String lockSchedulesSql(int n) {
        return "SELECT s.* FROM unnest(?::bigint[]) AS v(id) JOIN schedules s ON s.id = v.id ORDER BY s.id FOR UPDATE OF s";
    }

    /**
     * One statement of fixed text whatever the number of schedules, joined to {@code unnest} of the
     * columns; VALUES lists in parts cost twice as much (each part parsed and planned anew). No
     * {@code status} condition: with one, the planner may walk the partial index of active
     * schedules, every one of them, for each value.
     */
    @Override
    public String advanceSchedulesSql(int n) {
        return "UPDATE schedules s SET next_run_at = v.next, status = v.status,"
                + " last_slot_at = COALESCE(v.last_slot, s.last_slot_at), last_task_id = COALESCE(v.last_task, s.last_task_id),"
                + " updated_at = ? FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::bigint[])"
                + " AS v(id, expected, next, status, last_slot, last_task)"
                + " WHERE s.id = v.id AND s.next_run_at = v.expected";
    }

    @Override
    public void lockForMigration(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
        }
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /**
     * A lateral join: the correlated form's generic plan, once made while {@code tasks} was small,
     * hash-joined a sequential scan of the whole table on every claim; a lateral subquery with
     * {@code LIMIT 1} can only be a probe of the device's queue index.
     */
    @Override
    public String deviceHeadsSql(int typeCount) {
        return "SELECT q.id, q.device, q.priority, q.payload, q.owner, q.owner_limit FROM devices d CROSS JOIN LATERAL"
                + " (SELECT t.id, t.device, t.priority, t.payload, t.owner, t.owner_limit FROM tasks t"
                + " WHERE t.device = d.serial AND t.status = 'queued' AND t.routed = 2 AND t.type IN ("
                + Sql.placeholders(typeCount) + ") ORDER BY t.priority DESC, t.id LIMIT 1) q"
                + " WHERE d.worker_id = ? AND d.present = 1 AND d.busy_task IS NULL ORDER BY q.priority DESC, q.id LIMIT ?";
    }

    /**
     * One statement for the whole batch instead of one per completion: the server plans and runs
     * it once, each array element a probe of the primary key. The status is compared through
     * {@code coalesce} (a task always has one) so that no plan can start from the partial index
     * of running tasks, whose dead entries a busy queue piles up (seen: a hash join over a bitmap
     * scan of {@code ix_tasks_lease}).
     */
    @Override
    public String completeAllSql() {
        return "UPDATE tasks SET status = 'completed', completed_at = v.at, updated_at = v.at, lease_until = NULL,"
                + " result = v.result, exit_code = v.exit_code, error = NULL, error_code = NULL, log_count = log_count + 1,"
                + " lifecycle = lifecycle | " + Lifecycle.COMPLETED + ", run_ms = v.run_ms"
                + " FROM unnest(?::bigint[], ?::integer[], ?::text[], ?::bigint[], ?::text[], ?::integer[], ?::bigint[])"
                + " AS v(id, attempt, worker, at, result, exit_code, run_ms)"
                + " WHERE tasks.id = v.id AND coalesce(tasks.status, '') = 'running' AND tasks.attempt = v.attempt"
                + " AND coalesce(tasks.worker_id, '') = v.worker"
                + " RETURNING tasks.id, tasks.attempt";
    }

    /** The claimed rows whose start the claim did not derive (see {@link Lifecycle#startDerived}). */
    private static final String STORED_START = " WHERE NOT (c.attempt = 1 AND c.lifecycle & " + Lifecycle.STARTED + " <> 0)";

    /** One round trip instead of three for every claim (data-modifying CTEs). */
    @Override
    public String claimWithStart(String claimSql) {
        return "WITH c AS (" + claimSql + "),"
                + " e AS (INSERT INTO events (ts, type, task_id, worker_id, data) SELECT ?, ?, id, worker_id, ? FROM c"
                + STORED_START + "),"
                + " l AS (INSERT INTO task_logs (task_id, ts, level, message)"
                + " SELECT id, ?, ?, ? || attempt || ? || worker_id || ? FROM c" + STORED_START + ")"
                + " SELECT * FROM c";
    }

    /** The second key of a worker's node lock: stable across processes (String.hashCode is specified). */
    static long nodeLockKey(String workerId) {
        return workerId.hashCode() & 0x7fffffffL;
    }

    @Override
    public boolean nodeLocks() {
        return true;
    }

    @Override
    public boolean tryNodeLock(Connection c, String workerId) throws SQLException {
        return queryBoolean(c, "SELECT pg_try_advisory_lock(" + NODE_LOCK_SPACE + ", ?)", workerId);
    }

    @Override
    public boolean tryNodeLockForTransaction(Connection c, String workerId) throws SQLException {
        return queryBoolean(c, "SELECT pg_try_advisory_xact_lock(" + NODE_LOCK_SPACE + ", ?)", workerId);
    }

    private static boolean queryBoolean(Connection c, String sql, String workerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, (int) nodeLockKey(workerId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public void lockOwner(Connection c, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(" + OWNER_LOCK_SPACE + ", ?)")) {
            ps.setInt(1, owner.hashCode());
            ps.execute();
        }
    }

    @Override
    public void recordNodeLock(Connection c, String workerId, boolean holds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET lock_key = ? WHERE id = ?")) {
            if (holds) ps.setLong(1, nodeLockKey(workerId));
            else ps.setNull(1, Types.BIGINT);
            ps.setString(2, workerId);
            ps.executeUpdate();
        }
    }

    /**
     * One cheap query: the few workers with a recorded key and running attempts, each checked
     * against the lock table (an advisory lock on two int4 keys shows as classid, objid,
     * objsubid 2).
     */
    @Override
    public List<String> workersWithFreeNodeLock(Connection c, String self) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT w.id FROM workers w"
                + " WHERE w.lock_key IS NOT NULL AND w.id <> ?"
                + " AND EXISTS (SELECT 1 FROM tasks t WHERE t.worker_id = w.id AND t.status = 'running')"
                + " AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory'"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND l.classid = " + NODE_LOCK_SPACE + "::oid AND l.objid = w.lock_key::oid AND l.objsubid = 2"
                + " AND l.granted)")) {
            ps.setString(1, self);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }
}
