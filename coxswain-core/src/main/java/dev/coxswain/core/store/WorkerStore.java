package dev.coxswain.core.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Worker;
import dev.coxswain.core.domain.WorkerStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Worker rows. A worker's status is derived when read (see {@link Worker}), from its heartbeat age
 * and whether it holds running tasks, so it can never disagree with the tasks table.
 */
public final class WorkerStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    /** Offline once past its expiry (each heartbeat sets it: local and remote workers have different TTLs). */
    private static final String STATUS_EXPR = "CASE WHEN w.expires_at < ? OR w.status = 'offline' THEN 'offline'"
            + " WHEN EXISTS (SELECT 1 FROM tasks t WHERE t.worker_id = w.id AND t.status = 'running') THEN 'active'"
            + " ELSE 'idle' END";

    /** Local workers count as offline this long after their last heartbeat (unless their heartbeat says otherwise). */
    public static final java.time.Duration LOCAL_TTL = java.time.Duration.ofSeconds(15);

    /**
     * What a worker reports about itself on each heartbeat.
     *
     * @param ttl how long after this heartbeat the worker counts as offline
     */
    public record Heartbeat(String id, String hostname, String kind, int capacity, String version,
                            List<String> tags, Worker.Resources resources, java.time.Duration ttl) {
        public Heartbeat(String id, String hostname, String kind, int capacity, String version,
                         List<String> tags, Worker.Resources resources) {
            this(id, hostname, kind, capacity, version, tags, resources, LOCAL_TTL);
        }
    }

    /**
     * Inserts or refreshes a worker row.
     *
     * @return true when the row is new or the worker was offline (a (re)registration)
     */
    public boolean heartbeat(Tx tx, Heartbeat hb, Instant now) throws SQLException {
        Connection c = tx.connection();
        String prev = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM workers WHERE id = ?")) {
            ps.setString(1, hb.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) prev = rs.getString(1);
            }
        }
        String resources = hb.resources() == null ? null : Json.write(Map.of(
                "cpu_usage", nz(hb.resources().cpuUsage()), "memory_usage", nz(hb.resources().memoryUsage()),
                "disk_usage", nz(hb.resources().diskUsage())));
        if (prev == null) {
            TaskStore.exec(c, "INSERT INTO workers (id, hostname, kind, status, capacity, version, tags, resources,"
                    + " registered_at, last_heartbeat, expires_at) VALUES (?, ?, ?, 'online', ?, ?, ?, ?, ?, ?, ?)",
                    hb.id(), hb.hostname(), hb.kind(), hb.capacity(), hb.version(), Json.write(hb.tags()),
                    resources, now.toEpochMilli(), now.toEpochMilli(), now.plus(hb.ttl()).toEpochMilli());
            return true;
        }
        TaskStore.exec(c, "UPDATE workers SET hostname = ?, kind = ?, status = 'online', capacity = ?, version = ?,"
                + " tags = ?, resources = ?, last_heartbeat = ?, expires_at = ? WHERE id = ?",
                hb.hostname(), hb.kind(), hb.capacity(), hb.version(), Json.write(hb.tags()), resources,
                now.toEpochMilli(), now.plus(hb.ttl()).toEpochMilli(), hb.id());
        return "offline".equals(prev);
    }

    private static double nz(Double d) {
        return d == null ? 0.0 : d;
    }

    public void addOutcomes(Tx tx, String workerId, int completed, int failed) throws SQLException {
        if (completed == 0 && failed == 0) return;
        TaskStore.exec(tx.connection(), "UPDATE workers SET tasks_completed = tasks_completed + ?,"
                + " tasks_failed = tasks_failed + ? WHERE id = ?", completed, failed, workerId);
    }

    /** Marks workers past their expiry at {@code now} as offline; returns the ids that just went offline. */
    public List<String> markOffline(Tx tx, Instant now) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT id FROM workers WHERE status <> 'offline' AND expires_at < ?")) {
            ps.setLong(1, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
        }
        for (String id : ids) {
            TaskStore.exec(tx.connection(), "UPDATE workers SET status = 'offline' WHERE id = ?", id);
            DeviceStore.releaseAll(tx, id); // its attempts fail now; nothing of it runs on its devices any more
        }
        return ids;
    }

    /** @param now the time status is derived at (offline once past a worker's expiry) */
    public Worker find(Connection c, String id, Instant now) throws SQLException {
        Page<Worker> p = query(c, " AND w.id = ?", new Object[]{id}, now, 0, 1);
        return p.items().isEmpty() ? null : p.items().get(0);
    }

    public Page<Worker> list(Connection c, WorkerStatus status, Instant now, int offset, int limit) throws SQLException {
        if (status == null) return query(c, "", new Object[0], now, offset, limit);
        return query(c, " AND " + STATUS_EXPR + " = ?",
                new Object[]{now.toEpochMilli(), status.wire()}, now, offset, limit);
    }

    /** Worker counts by derived status. */
    public Map<WorkerStatus, Long> countByStatus(Connection c, Instant now) throws SQLException {
        Map<WorkerStatus, Long> out = new HashMap<>();
        for (WorkerStatus s : WorkerStatus.values()) out.put(s, 0L);
        try (PreparedStatement ps = c.prepareStatement("SELECT " + STATUS_EXPR + " AS st, COUNT(*) FROM workers w GROUP BY st")) {
            ps.setLong(1, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(WorkerStatus.fromWire(rs.getString(1)), rs.getLong(2));
            }
        }
        return out;
    }

    public long countLive(Connection c, Instant now, String kind) throws SQLException {
        return Sql.count(c, "SELECT COUNT(*) FROM workers WHERE kind = ? AND expires_at >= ? AND status <> 'offline'", kind,
                now.toEpochMilli());
    }

    // ---- remote workers (the /_worker protocol) ---------------------------------------------

    /**
     * A remote worker as dispatch sees it. Its {@code info} is parsed on first use: the dispatcher
     * reads a profile for every held poll in every pass, and needs the report only to check a
     * routed task's requirements (parsing it each time was ~8 % of the store writer's time per
     * remote task).
     */
    public static final class RemoteProfile {
        private final String id;
        private final java.util.Set<String> skillNames;
        private final int capacity;
        private final String infoJson;
        private final String skillsHash;
        private final boolean hasSkills;
        private final Instant expiresAt;
        private final boolean online;
        private volatile JsonNode info;

        /**
         * @param skillNames the names of the skills it advertised
         * @param capacity   tasks it may hold at once; 0 = no cap of ours (the worker polls only when it has room)
         * @param infoJson   what it reported (type, resources, devices, software, capabilities, usage, status), as stored
         * @param online     false once it went offline (its TTL passed, or it said so)
         */
        public RemoteProfile(String id, java.util.Set<String> skillNames, int capacity, String infoJson, String skillsHash,
                             boolean hasSkills, Instant expiresAt, boolean online) {
            this.id = id;
            this.skillNames = skillNames;
            this.capacity = capacity;
            this.infoJson = infoJson;
            this.skillsHash = skillsHash;
            this.hasSkills = hasSkills;
            this.expiresAt = expiresAt;
            this.online = online;
        }

        public String id() {
            return id;
        }

        public java.util.Set<String> skillNames() {
            return skillNames;
        }

        public int capacity() {
            return capacity;
        }

        /** What it reported, or null; parsed once (callers copy before they change it). */
        public JsonNode info() {
            JsonNode i = info;
            if (i == null && infoJson != null) info = i = Json.read(infoJson);
            return i;
        }

        public String skillsHash() {
            return skillsHash;
        }

        public boolean hasSkills() {
            return hasSkills;
        }

        public Instant expiresAt() {
            return expiresAt;
        }

        public boolean online() {
            return online;
        }

        /** The status the worker reported itself (idle, busy, full, offline), or "idle". */
        public String reportedStatus() {
            JsonNode i = info();
            JsonNode s = i == null ? null : i.get("status");
            return s == null || !s.isTextual() ? "idle" : s.asText();
        }
    }

    /**
     * Inserts or replaces a remote worker's row on registration.
     *
     * @return true when the worker is new or was offline
     */
    public boolean registerRemote(Tx tx, String id, String hostname, int capacity, String version, JsonNode skills,
                                  String skillsHash, JsonNode info, Instant now, Instant expiresAt) throws SQLException {
        Connection c = tx.connection();
        String prev = null;
        long prevExpiry = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT status, expires_at FROM workers WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    prev = rs.getString(1);
                    prevExpiry = rs.getLong(2);
                }
            }
        }
        String skillsJson = skills == null ? null : Json.write(skills);
        String infoJson = info == null ? null : Json.write(info);
        if (prev == null) {
            TaskStore.exec(c, "INSERT INTO workers (id, hostname, kind, status, capacity, version, tags, resources,"
                    + " registered_at, last_heartbeat, expires_at, skills, skills_hash, info)"
                    + " VALUES (?, ?, 'remote', 'online', ?, ?, '[]', NULL, ?, ?, ?, ?, ?, ?)",
                    id, hostname, capacity, version, now.toEpochMilli(), now.toEpochMilli(), expiresAt.toEpochMilli(),
                    skillsJson, skillsHash, infoJson);
            return true;
        }
        TaskStore.exec(c, "UPDATE workers SET hostname = ?, kind = 'remote', status = 'online', capacity = ?, version = ?,"
                + " registered_at = ?, last_heartbeat = ?, expires_at = ?, skills = ?, skills_hash = ?, info = ? WHERE id = ?",
                hostname, capacity, version, now.toEpochMilli(), now.toEpochMilli(), expiresAt.toEpochMilli(), skillsJson,
                skillsHash, infoJson, id);
        return "offline".equals(prev) || prevExpiry < now.toEpochMilli();
    }

    /** The remote worker's row as dispatch needs it, or null when there is none. */
    public RemoteProfile remoteProfile(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, capacity, skills, skills_hash, info, expires_at, status"
                + " FROM workers WHERE id = ? AND kind = 'remote'")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                JsonNode skills = Json.read(rs.getString("skills"));
                java.util.Set<String> names = new java.util.LinkedHashSet<>();
                if (skills != null) for (JsonNode sk : skills) if (sk.path("name").isTextual()) names.add(sk.get("name").asText());
                return new RemoteProfile(rs.getString("id"), names, rs.getInt("capacity"), rs.getString("info"),
                        rs.getString("skills_hash"), skills != null && !skills.isEmpty(), Sql.instant(rs, "expires_at"),
                        !"offline".equals(rs.getString("status")));
            }
        }
    }

    /**
     * A heartbeat of a remote worker: what it reported now ({@code info}, already merged with the
     * earlier report), its skills when it sent them (null keeps the stored ones), a new expiry.
     */
    public void refreshRemote(Tx tx, String id, JsonNode info, JsonNode skills, String skillsHash, Instant now,
                              Instant expiresAt) throws SQLException {
        if (skills != null) {
            TaskStore.exec(tx.connection(), "UPDATE workers SET info = ?, skills = ?, skills_hash = ?, last_heartbeat = ?,"
                    + " expires_at = ? WHERE id = ?", Json.write(info), Json.write(skills), skillsHash, now.toEpochMilli(),
                    expiresAt.toEpochMilli(), id);
        } else {
            TaskStore.exec(tx.connection(), "UPDATE workers SET info = ?, last_heartbeat = ?, expires_at = ? WHERE id = ?",
                    Json.write(info), now.toEpochMilli(), expiresAt.toEpochMilli(), id);
        }
    }

    /** Refreshes a worker's expiry only (an empty heartbeat). */
    public void touch(Tx tx, String id, Instant now, Instant expiresAt) throws SQLException {
        TaskStore.exec(tx.connection(), "UPDATE workers SET last_heartbeat = ?, expires_at = ? WHERE id = ?",
                now.toEpochMilli(), expiresAt.toEpochMilli(), id);
    }

    /** The worker said it is leaving: offline now. @return whether it was online */
    public boolean goOffline(Tx tx, String id, Instant now) throws SQLException {
        DeviceStore.releaseAll(tx, id); // its attempts fail now; nothing of it runs on its devices any more
        return TaskStore.exec(tx.connection(), "UPDATE workers SET status = 'offline', expires_at = ? WHERE id = ?"
                + " AND status <> 'offline'", now.toEpochMilli(), id) > 0;
    }

    /** The ids among these workers that are remote. */
    public java.util.Set<String> remoteAmong(Connection c, Collection<String> ids) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (ids.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM workers WHERE kind = 'remote' AND id IN ("
                + Sql.placeholders(ids.size()) + ")")) {
            int i = 1;
            for (String id : ids) ps.setString(i++, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The skill names live remote workers advertise (a small table: one row per worker). */
    public java.util.Set<String> liveRemoteSkills(Connection c, Instant now) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT skills FROM workers WHERE kind = 'remote'"
                + " AND status <> 'offline' AND expires_at >= ? AND skills IS NOT NULL")) {
            ps.setLong(1, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode skills = Json.read(rs.getString(1));
                    if (skills != null) for (JsonNode sk : skills) if (sk.path("name").isTextual()) out.add(sk.get("name").asText());
                }
            }
        }
        return out;
    }

    private Page<Worker> query(Connection c, String filter, Object[] args, Instant now, int offset, int limit)
            throws SQLException {
        long total = Sql.count(c, "SELECT COUNT(*) FROM workers w WHERE 1 = 1" + filter, args);
        List<Worker> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT w.*, " + STATUS_EXPR + " AS derived FROM workers w"
                + " WHERE 1 = 1" + filter + " ORDER BY w.registered_at, w.id LIMIT ? OFFSET ?")) {
            int i = 1;
            ps.setLong(i++, now.toEpochMilli());
            for (Object a : args) ps.setObject(i++, a);
            ps.setInt(i++, limit);
            ps.setInt(i, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
        }
        List<Worker> withTasks = new ArrayList<>(out.size());
        for (Worker w : out) {
            List<Long> running = runningIds(c, w.id());
            withTasks.add(new Worker(w.id(), w.hostname(), w.kind(), w.status(), w.capacity(), w.tasksCompleted(),
                    w.tasksFailed(), running, w.lastHeartbeat(), w.registeredAt(), w.version(), w.tags(), w.resources(),
                    w.skills(), w.info()));
        }
        return new Page<>(withTasks, total);
    }

    private static List<Long> runningIds(Connection c, String workerId) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM tasks WHERE worker_id = ? AND status = 'running' ORDER BY id")) {
            ps.setString(1, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static Worker map(ResultSet rs) throws SQLException {
        Worker.Resources res = null;
        String r = rs.getString("resources");
        if (r != null) {
            var n = Json.read(r);
            res = new Worker.Resources(n.path("cpu_usage").asDouble(), n.path("memory_usage").asDouble(),
                    n.path("disk_usage").asDouble());
        }
        List<String> tags;
        try {
            tags = Json.MAPPER.readValue(rs.getString("tags"), STRINGS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Worker(rs.getString("id"), rs.getString("hostname"), rs.getString("kind"),
                WorkerStatus.fromWire(rs.getString("derived")), rs.getInt("capacity"), rs.getLong("tasks_completed"),
                rs.getLong("tasks_failed"), List.of(), Sql.instant(rs, "last_heartbeat"),
                Sql.instant(rs, "registered_at"), rs.getString("version"), tags, res,
                Json.read(rs.getString("skills")), Json.read(rs.getString("info")));
    }
}
