package dev.coxswain.core.store;

import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The device face's reads of the tasks table: tasks created through it ({@code origin_kind =
 * 'device'}), and the devices an owner's open device tasks use. The SQL is the same on both
 * databases, and every query names the columns of an index so none walks the whole table:
 * {@code ix_tasks_origin (origin_kind, origin_id, id)} for lists, counts and stats,
 * {@code ix_tasks_device (device, id)} for a device's tasks, and the partial
 * {@code ix_tasks_owner_open (owner, device)} for an owner's open devices, whose predicate the
 * query repeats literally (PostgreSQL uses a partial index only for a query that implies it).
 */
public final class DeviceTaskStore {
    /** The origin kind of every task the device face creates; its origin id is the source. */
    public static final String ORIGIN = "device";
    // The statements, package-private so a test can ask each database for their plans.
    static final String OPEN_DEVICES = "SELECT DISTINCT device FROM tasks WHERE owner = ? AND routed = 2"
            + " AND status IN ('pending', 'queued', 'running')";
    static final String RETRYABLE = "SELECT id FROM tasks WHERE origin_kind = ?"
            + " AND status IN ('failed', 'cancelled') AND retry_count < ? ORDER BY id";

    static String countSql(String where) {
        return "SELECT COUNT(*) FROM tasks" + where;
    }

    static String listSql(String where) {
        return "SELECT " + TaskStore.COLUMNS + " FROM tasks" + where + " ORDER BY id DESC LIMIT ? OFFSET ?";
    }

    static String findSql(int n) {
        return "SELECT " + TaskStore.COLUMNS + " FROM tasks WHERE id IN (" + Sql.placeholders(n) + ") AND origin_kind = ? ORDER BY id";
    }

    private final SqlDialect dialect;
    private final TaskRollups rollups;

    public DeviceTaskStore(SqlDialect dialect) {
        this(dialect, new TaskRollups(dialect));
    }

    public DeviceTaskStore(SqlDialect dialect, TaskRollups rollups) {
        this.dialect = dialect;
        this.rollups = rollups;
    }

    /**
     * A filter over device tasks; null fields match anything.
     *
     * @param statuses empty = all
     * @param serial   the device ({@code tasks.device})
     * @param type     the script name (the task's type)
     * @param source   {@code api} or {@code ui} (the origin id)
     */
    public record Filter(Set<TaskStatus> statuses, String serial, String type, String source) {
        public Filter {
            statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        }

        public static Filter all() {
            return new Filter(Set.of(), null, null, null);
        }
    }

    /** One page of device tasks, newest first, with the number that match. */
    public Page<Task> list(Connection c, Filter f, long offset, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        String where = where(f, args);
        // Filtered by status alone (or not at all), the number is the rollups' (device tasks by status).
        long total = f.source() == null && f.serial() == null && f.type() == null
                ? countByStatus(c).entrySet().stream().filter(e -> f.statuses().isEmpty() || f.statuses().contains(e.getKey()))
                        .mapToLong(Map.Entry::getValue).sum()
                : Sql.count(c, countSql(where), args.toArray());
        List<Task> items = new ArrayList<>();
        if (total > offset) {
            try (PreparedStatement ps = c.prepareStatement(listSql(where))) {
                int i = bind(ps, args);
                ps.setInt(i++, limit);
                ps.setLong(i, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) items.add(TaskStore.map(rs));
                }
            }
        }
        return new Page<>(items, total);
    }

    /** Device tasks by native status (statuses with none are absent), from the rollups. */
    public Map<TaskStatus, Long> countByStatus(Connection c) throws SQLException {
        return rollups.countByStatus(c, ORIGIN);
    }

    /**
     * Serialises, until the transaction ends, the transactions that check the owner's device
     * limit: on PostgreSQL two concurrent creates would otherwise each miss the other's tasks.
     */
    public void lockOwner(Tx tx, String owner) throws SQLException {
        if (owner != null) dialect.lockOwner(tx.connection(), owner);
    }

    /** The devices of the owner's open (pending, queued or running) device tasks. */
    public Set<String> openDevices(Connection c, String owner) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        if (owner == null) return out;
        try (PreparedStatement ps = c.prepareStatement(OPEN_DEVICES)) {
            ps.setString(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * The device tasks among {@code ids} (others and missing ids are absent), in id order, row
     * locked on PostgreSQL when asked. Dependencies are not read: the device face creates none.
     */
    public List<Task> find(Connection c, Collection<Long> ids, boolean lock) throws SQLException {
        List<Task> out = new ArrayList<>();
        if (ids.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement(findSql(ids.size()) + (lock ? dialect.forUpdate() : ""))) {
            int i = 1;
            for (long id : ids) ps.setLong(i++, id);
            ps.setString(i, ORIGIN);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(TaskStore.map(rs));
            }
        }
        return out;
    }

    /** Ids of failed or cancelled device tasks retried fewer than {@code maxRetryCount} times, oldest first. */
    public List<Long> retryable(Connection c, int maxRetryCount) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RETRYABLE)) {
            ps.setString(1, ORIGIN);
            ps.setInt(2, maxRetryCount);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getLong(1));
            }
        }
        return out;
    }

    static String where(Filter f, List<Object> args) {
        StringBuilder w = new StringBuilder(" WHERE origin_kind = ?");
        args.add(ORIGIN);
        if (f.source() != null) {
            w.append(" AND origin_id = ?");
            args.add(f.source());
        }
        if (f.serial() != null) {
            w.append(" AND device = ?");
            args.add(f.serial());
        }
        if (f.type() != null) {
            w.append(" AND type = ?");
            args.add(f.type());
        }
        if (!f.statuses().isEmpty()) {
            w.append(" AND status IN (").append(Sql.placeholders(f.statuses().size())).append(')');
            for (TaskStatus s : f.statuses()) args.add(s.wire());
        }
        return w.toString();
    }

    private static int bind(PreparedStatement ps, List<Object> args) throws SQLException {
        int i = 1;
        for (Object a : args) ps.setObject(i++, a);
        return i;
    }
}
