package dev.coxswain.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SQL for the {@code devices} table: the devices remote workers report, each owned by the worker
 * that reported its serial last. Shared by both dialects except the row lock ({@link SqlDialect#forUpdate}).
 */
public final class DeviceStore {
    private static final String COLUMNS = "d.serial, d.worker_id, d.type, d.model, d.properties, d.present,"
            + " d.first_seen_at, d.last_seen_at, d.busy_task";

    private final SqlDialect dialect;

    public DeviceStore(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /**
     * A device as stored. {@code properties} is whatever the worker reported (null when absent);
     * {@code busyTaskId} the task whose attempt occupies it until its worker lets go (null = free).
     */
    public record Device(String serial, String workerId, String type, String model, JsonNode properties,
                         boolean present, Instant firstSeenAt, Instant lastSeenAt, Long busyTaskId) {
    }

    /** The attempt a device is occupied with, and since when. */
    public record Busy(String serial, long taskId, int attempt, Instant since) {
    }

    /** A device as a worker reports it (the serial is the report's {@code id}). */
    public record Reported(String serial, String type, String model, JsonNode properties) {
    }

    /**
     * A device with what the read adds: whether its worker is online, the worker's last heartbeat,
     * and the device task running on it now.
     */
    public record Row(Device device, boolean workerOnline, Instant workerHeartbeat) {
    }

    /**
     * Makes the store match a worker's full report: devices in it are present and the worker's
     * (taken over from another worker if need be), this worker's devices missing from it are no
     * longer present. Rows that already match are not written, so a heartbeat that repeats the same
     * list costs one read.
     *
     * @return the devices that vanished from this worker (present before, missing now), as they were
     */
    public List<Device> sync(Tx tx, String workerId, List<Reported> report, Instant now) throws SQLException {
        Connection c = tx.connection();
        Map<String, Device> mine = new LinkedHashMap<>();
        for (Device d : ownedBy(c, workerId)) mine.put(d.serial(), d);
        Map<String, Device> elsewhere = find(c, report.stream().map(Reported::serial).filter(s -> !mine.containsKey(s)).toList());
        for (Reported r : report) {
            Device had = mine.containsKey(r.serial()) ? mine.get(r.serial()) : elsewhere.get(r.serial());
            if (had != null && had.present() && workerId.equals(had.workerId()) && Objects.equals(had.type(), r.type())
                    && Objects.equals(had.model(), r.model()) && Objects.equals(had.properties(), r.properties())) {
                continue;
            }
            upsert(c, workerId, r, now);
        }
        List<Device> vanished = new ArrayList<>();
        java.util.Set<String> reported = new java.util.HashSet<>();
        for (Reported r : report) reported.add(r.serial());
        for (Device d : mine.values()) {
            if (d.present() && !reported.contains(d.serial())) vanished.add(d);
        }
        if (!vanished.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET present = 0, last_seen_at = ?"
                    + " WHERE serial = ? AND worker_id = ?")) {
                for (Device d : vanished) {
                    ps.setLong(1, now.toEpochMilli());
                    ps.setString(2, d.serial());
                    ps.setString(3, workerId);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return vanished;
    }

    private void upsert(Connection c, String workerId, Reported r, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO devices (serial, worker_id, type, model, properties,"
                + " present, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)"
                + " ON CONFLICT (serial) DO UPDATE SET worker_id = excluded.worker_id, type = excluded.type,"
                + " model = excluded.model, properties = excluded.properties, present = 1,"
                + " last_seen_at = excluded.last_seen_at")) {
            ps.setString(1, r.serial());
            ps.setString(2, workerId);
            ps.setString(3, r.type());
            ps.setString(4, r.model());
            ps.setString(5, r.properties() == null ? null : Json.write(r.properties()));
            ps.setLong(6, now.toEpochMilli());
            ps.setLong(7, now.toEpochMilli());
            ps.executeUpdate();
        }
    }

    /** The devices this worker owns (present or not). */
    public List<Device> ownedBy(Connection c, String workerId) throws SQLException {
        List<Device> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM devices d WHERE d.worker_id = ?")) {
            ps.setString(1, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
        }
        return out;
    }

    /** The devices among these serials that are known, by serial. */
    public Map<String, Device> find(Connection c, Collection<String> serials) throws SQLException {
        Map<String, Device> out = new LinkedHashMap<>();
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(serials));
        for (int from = 0; from < all.size(); from += 500) {
            List<String> part = all.subList(from, Math.min(all.size(), from + 500));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM devices d WHERE d.serial IN ("
                    + Sql.placeholders(part.size()) + ")")) {
                int i = 1;
                for (String s : part) ps.setString(i++, s);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Device d = map(rs);
                        out.put(d.serial(), d);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Locks the device's row for the claim that is about to start a task on it (PostgreSQL: nodes
     * claiming for one device take turns; SQLite has one writer anyway).
     *
     * @return whether the device is present, still this worker's and free
     */
    public boolean lockFree(Tx tx, String serial, String workerId) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT worker_id, present, busy_task FROM devices"
                + " WHERE serial = ?" + dialect.forUpdate())) {
            ps.setString(1, serial);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !workerId.equals(rs.getString(1)) || rs.getInt(2) != 1) return false;
                rs.getLong(3);
                return rs.wasNull();
            }
        }
    }

    /** The device is occupied by this attempt from now on (its claim). */
    public void occupy(Tx tx, String serial, long taskId, int attempt, Instant now) throws SQLException {
        TaskStore.exec(tx.connection(), "UPDATE devices SET busy_task = ?, busy_attempt = ?, busy_since = ? WHERE serial = ?",
                taskId, attempt, now.toEpochMilli(), serial);
    }

    /**
     * The worker has let go of this attempt (its result came, its heartbeat no longer lists it):
     * the device it occupied, if any, is free.
     *
     * @return whether a device was freed
     */
    public boolean release(Tx tx, String workerId, long taskId, int attempt) throws SQLException {
        return TaskStore.exec(tx.connection(), "UPDATE devices SET busy_task = NULL, busy_attempt = NULL, busy_since = NULL"
                + " WHERE busy_task = ? AND busy_attempt = ? AND worker_id = ?", taskId, attempt, workerId) > 0;
    }

    /** The worker is gone (offline): every device it occupied is free. */
    public static void releaseAll(Tx tx, String workerId) throws SQLException {
        TaskStore.exec(tx.connection(), "UPDATE devices SET busy_task = NULL, busy_attempt = NULL, busy_since = NULL"
                + " WHERE worker_id = ? AND busy_task IS NOT NULL", workerId);
    }

    /** The worker's occupied devices. */
    public List<Busy> busyOf(Connection c, String workerId) throws SQLException {
        List<Busy> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT serial, busy_task, busy_attempt, busy_since FROM devices"
                + " WHERE worker_id = ? AND busy_task IS NOT NULL")) {
            ps.setString(1, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Busy(rs.getString(1), rs.getLong(2), rs.getInt(3), Sql.instant(rs, 4)));
            }
        }
        return out;
    }

    /**
     * Every device (or those among {@code serials}, when not null) with its worker's state and its
     * running task, by serial.
     */
    public List<Row> rows(Connection c, Collection<String> serials, Instant now) throws SQLException {
        List<Row> out = new ArrayList<>();
        List<String> all = serials == null ? null : List.copyOf(new java.util.LinkedHashSet<>(serials));
        if (all != null && all.isEmpty()) return out;
        for (int from = 0; all == null ? from == 0 : from < all.size(); from += 500) {
            List<String> part = all == null ? null : all.subList(from, Math.min(all.size(), from + 500));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", w.expires_at, w.status, w.last_heartbeat"
                    + " FROM devices d LEFT JOIN workers w ON w.id = d.worker_id"
                    + (part == null ? "" : " WHERE d.serial IN (" + Sql.placeholders(part.size()) + ")") + " ORDER BY d.serial")) {
                if (part != null) for (int i = 0; i < part.size(); i++) ps.setString(i + 1, part.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(row(rs, now));
                }
            }
        }
        if (all != null && all.size() > 500) out.sort(java.util.Comparator.comparing(r -> r.device().serial()));
        return out;
    }

    /**
     * A keyset page of devices in serial order, after {@code afterSerial} when given, of one worker
     * when {@code workerId} is given: the primary key (or {@code ix_devices_worker} and a sort of
     * that worker's few devices) serves it, so a page costs {@code limit} rows however large the farm.
     */
    public List<Row> page(Connection c, String workerId, String afterSerial, int limit, Instant now) throws SQLException {
        List<Row> out = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (workerId != null) {
            where.append(" AND d.worker_id = ?");
            args.add(workerId);
        }
        if (afterSerial != null) {
            where.append(" AND d.serial > ?");
            args.add(afterSerial);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", w.expires_at, w.status, w.last_heartbeat"
                + " FROM devices d LEFT JOIN workers w ON w.id = d.worker_id" + where + " ORDER BY d.serial LIMIT ?")) {
            int i = 1;
            for (Object a : args) ps.setString(i++, (String) a);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs, now));
            }
        }
        return out;
    }

    /** How many present devices each of these workers owns (workers with none are absent). */
    public Map<String, Integer> presentCounts(Connection c, Collection<String> workerIds) throws SQLException {
        Map<String, Integer> out = new LinkedHashMap<>();
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(workerIds));
        for (int from = 0; from < all.size(); from += 500) {
            List<String> part = all.subList(from, Math.min(all.size(), from + 500));
            try (PreparedStatement ps = c.prepareStatement("SELECT worker_id, COUNT(*) FROM devices WHERE worker_id IN ("
                    + Sql.placeholders(part.size()) + ") AND present = 1 GROUP BY worker_id")) {
                for (int i = 0; i < part.size(); i++) ps.setString(i + 1, part.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    /** A device row with its worker's expiry, status and heartbeat (columns 10–12 of the joined reads). */
    private static Row row(ResultSet rs, Instant now) throws SQLException {
        Device d = map(rs);
        Instant expires = Sql.instant(rs, 10);
        boolean online = expires != null && expires.isAfter(now) && !"offline".equals(rs.getString(11));
        return new Row(d, online, Sql.instant(rs, 12));
    }

    /** The skills (SkillInfo lists, as stored) of workers that own at least one present device. */
    public List<JsonNode> skillsOfDeviceWorkers(Connection c) throws SQLException {
        List<JsonNode> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT w.skills FROM workers w WHERE w.id IN"
                + " (SELECT d.worker_id FROM devices d WHERE d.present = 1)")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode s = Json.read(rs.getString(1));
                    if (s != null) out.add(s);
                }
            }
        }
        return out;
    }

    private static Device map(ResultSet rs) throws SQLException {
        long busy = rs.getLong(9);
        Long busyTask = rs.wasNull() ? null : busy;
        return new Device(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Json.read(rs.getString(5)),
                rs.getInt(6) == 1, Sql.instant(rs, 7), Sql.instant(rs, 8), busyTask);
    }
}
