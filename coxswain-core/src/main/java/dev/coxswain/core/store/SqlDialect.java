package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Everything that differs between SQLite and PostgreSQL. Shared SQL lives in the stores; only
 * what cannot be written portably comes from here.
 */
public interface SqlDialect {
    /** "sqlite" or "postgres": also the folder of this dialect's migrations. */
    String name();

    /**
     * The batch claim: moves up to {@code ?} queued tasks of the given types to running in one
     * statement and returns them. Parameters, in order: worker_id, started_at, updated_at,
     * lease_until, then the derived start's time and worker ({@link Lifecycle#CLAIM_SETS}), each of
     * the {@code typeCount} types, limit.
     */
    String claimSql(int typeCount, String returningColumns);

    /**
     * Runs in the claim's transaction just before {@link #claimSql}: settings that keep its plan
     * on the queue index. {@link #afterClaim} undoes them; if the claim fails, the rollback does.
     */
    default void beforeClaim(Connection c) throws SQLException {
    }

    /** Runs after a successful claim, in the same transaction. */
    default void afterClaim(Connection c) throws SQLException {
    }

    /**
     * The {@code FROM} item of {@code TaskStore.routedCandidates}: the tasks table, with whatever
     * keeps that query on the routed queue's partial index ({@code ix_tasks_routed_queue}).
     */
    default String routedQueue() {
        return "tasks";
    }

    /**
     * Runs before reads whose ORDER BY an index walk serves (the dashboard's task lists), on a
     * connection in autocommit; {@link #afterIndexOrderedReads} undoes it, also after a failure.
     */
    default void beforeIndexOrderedReads(Connection c) throws SQLException {
    }

    default void afterIndexOrderedReads(Connection c) throws SQLException {
    }

    /**
     * What follows a table (and its alias) in a {@code FROM} clause to make the query walk
     * {@code index}: nothing on PostgreSQL, whose planner chooses from statistics;
     * {@code INDEXED BY} on SQLite, which has no statistics (nothing runs ANALYZE) and may guess
     * another index, or fail loudly if the query cannot use this one.
     */
    default String pinIndex(String index) {
        return "";
    }

    /**
     * The device queue heads of one worker ({@code TaskStore.deviceHeads}): parameters are
     * {@code typeCount} task types, the worker id, the limit; columns id, device, priority, payload,
     * owner, owner_limit. The head of each device is a correlated subquery here (SQLite runs it as
     * one probe of {@code ix_tasks_device_queue} per device).
     */
    default String deviceHeadsSql(int typeCount) {
        return "SELECT t.id, t.device, t.priority, t.payload, t.owner, t.owner_limit FROM devices d JOIN tasks t"
                + " ON t.id = (SELECT q.id FROM tasks q WHERE q.device = d.serial AND q.status = 'queued' AND q.routed = 2"
                + " AND q.type IN (" + Sql.placeholders(typeCount) + ") ORDER BY q.priority DESC, q.id LIMIT 1)"
                + " WHERE d.worker_id = ? AND d.present = 1 AND d.busy_task IS NULL ORDER BY t.priority DESC, t.id LIMIT ?";
    }

    /**
     * Holds, until the transaction ends, a lock that serialises the transactions deciding on one
     * owner's device-task limit, so a second create of the owner counts the first one's tasks.
     * SQLite runs one write transaction at a time: nothing to hold.
     */
    default void lockOwner(Connection c, String owner) throws SQLException {
    }

    /** Appends the row lock a transaction takes on rows it reads to decide (no-op on SQLite). */
    String forUpdate();

    /**
     * Whether the database chooses by itself, from its statistics, between walking a list's sort
     * index checking a tag on each row and reading the tag's rows and sorting them, given the
     * tag as an {@code EXISTS}. Otherwise (SQLite keeps no statistics) {@code TaskStore.list}
     * chooses from the tag's count, and writes the other choice as {@code id IN (…)}.
     */
    default boolean choosesTagPlans() {
        return false;
    }

    /**
     * An expression for {@code sum / count} (two longs, written as literals) computed as this
     * database's {@code AVG} over integers computes its result, so that a mean kept as a sum and
     * a count reads back exactly as {@code AVG} over the rows would have.
     */
    String mean(long sum, long count);

    /** Takes a lock that serialises schema migrations across nodes, for this transaction. */
    void lockForMigration(Connection c) throws SQLException;

    /** Whether the connection's error means "unique constraint violated". */
    boolean isUniqueViolation(SQLException e);

    /**
     * Completes a batch of successful attempts in one statement, or null where one statement per
     * attempt costs no round trip (SQLite). Parameters: arrays of task ids, attempts, workers
     * ({@code ''} for none), finish times, results, exit codes and run times; it returns
     * {@code (id, attempt)} of each attempt it applied. The guard and the columns set are those of
     * {@code TaskStore.COMPLETE}.
     */
    default String completeAllSql() {
        return null;
    }

    /**
     * Wraps the batch claim ({@link #claimSql}) into one statement that also writes, for each
     * claimed task whose start it does not derive, its {@code task.started} event and log line,
     * and returns the claimed rows (whose columns must include {@code lifecycle}).
     * Seven parameters follow the claim's own: event ts, event type, event data, log ts, log
     * level, and the log message's text before the attempt number and between it and the worker
     * id, then after it. Null when the database needs separate statements.
     */
    default String claimWithStart(String claimSql) {
        return null;
    }

    // ---- a schedule firing pass (ScheduleStore.lockAll, advanceAll) ----------------------

    /**
     * Whether the batch statements of a firing pass take one array per column (one statement of
     * fixed text for any number of schedules) instead of a parameter per value and row.
     */
    default boolean arrayParameters() {
        return false;
    }

    /**
     * Around a statement that joins a batch of values to a table by its primary key
     * ({@link #lockSchedulesSql}, {@link #advanceSchedulesSql}): keeps it a probe of the key per
     * value, whatever the planner thinks of the table's size. Nothing to do on SQLite.
     */
    default void beforeJoinByKey(Connection c) throws SQLException {
    }

    default void afterJoinByKey(Connection c) throws SQLException {
    }

    /**
     * Every column of the schedules with the given ids, locked until the transaction ends, in id
     * order: {@code n} id parameters, or one {@code bigint} array ({@link #arrayParameters}).
     */
    String lockSchedulesSql(int n);

    /**
     * Moves {@code n} schedules on: {@code updated_at}, then per schedule (or per column, one
     * array each, with {@link #arrayParameters}) its id, the slot it waited for, its next slot,
     * its status, its last slot and its last run (the last two null: unchanged). Only a schedule
     * still waiting for that slot moves.
     */
    String advanceSchedulesSql(int n);

    /**
     * Whether every write transaction runs on one connection, one after the other (SQLite), so
     * writes submitted together can never deadlock on each other's row locks.
     */
    default boolean singleWriter() {
        return false;
    }

    // ---- node locks: a node's liveness seen by the others (PostgreSQL only) ----------------

    /**
     * Whether each node holds a session lock that ends with its database session, so the others
     * see its death at once. SQLite has one node; nothing to see.
     */
    default boolean nodeLocks() {
        return false;
    }

    /** Takes the worker's node lock for this session; false while another session holds it. */
    default boolean tryNodeLock(Connection c, String workerId) throws SQLException {
        return false;
    }

    /** Records that the worker holds its node lock ({@code holds}) or may not (leases only). */
    default void recordNodeLock(Connection c, String workerId, boolean holds) throws SQLException {
    }

    /**
     * Workers other than {@code self} that recorded a node lock, have running attempts, and whose
     * lock no session holds now: gone, or (briefly) reconnecting.
     */
    default java.util.List<String> workersWithFreeNodeLock(Connection c, String self) throws SQLException {
        return java.util.List.of();
    }

    /**
     * Takes the worker's node lock until the end of this transaction, if no session holds it: then
     * no session of that node is alive while the transaction runs.
     */
    default boolean tryNodeLockForTransaction(Connection c, String workerId) throws SQLException {
        return false;
    }
}
