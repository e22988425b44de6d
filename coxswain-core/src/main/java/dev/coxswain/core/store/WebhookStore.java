package dev.coxswain.core.store;

import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Webhook;
import dev.coxswain.core.domain.WebhookDelivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Webhook subscriptions and the delivery outbox. Secrets are stored sealed by the {@link Sealer}. */
public final class WebhookStore {
    /** Memo key of the event types someone subscribes to; every subscription change forgets it. */
    private static final Object SUBSCRIBED = new Object();

    private final Sealer sealer;

    public WebhookStore() {
        this(Sealer.NONE);
    }

    public WebhookStore(Sealer sealer) {
        this.sealer = sealer;
    }

    /** A subscription with its secret, for the deliverer only. */
    public record Target(long id, String url, String secret, boolean enabled) {
        @Override
        public String toString() {
            return "Target[id=" + id + ", url=" + url + "]";
        }
    }

    public long insert(Tx tx, String url, String secret, Set<String> events, boolean enabled, String description,
                       Instant now) throws SQLException {
        tx.forget(SUBSCRIBED);
        long id;
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO webhooks (url, secret, enabled,"
                + " description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, url);
            ps.setString(2, sealer.seal(secret));
            ps.setInt(3, enabled ? 1 : 0);
            ps.setString(4, description);
            ps.setLong(5, now.toEpochMilli());
            ps.setLong(6, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        setEvents(tx, id, events);
        return id;
    }

    /** Changes the given columns (url, secret, enabled, description) and, when non-null, the events. */
    public boolean update(Tx tx, long id, Map<String, Object> sets, Set<String> events, Instant now) throws SQLException {
        tx.forget(SUBSCRIBED);
        Map<String, Object> all = new LinkedHashMap<>(sets);
        all.computeIfPresent("secret", (k, v) -> sealer.seal((String) v));
        all.put("updated_at", now.toEpochMilli());
        StringBuilder sql = new StringBuilder("UPDATE webhooks SET ");
        List<Object> args = new ArrayList<>();
        for (var e : all.entrySet()) {
            if (!args.isEmpty()) sql.append(", ");
            sql.append(e.getKey()).append(" = ?");
            args.add(e.getValue() instanceof Boolean b ? (b ? 1 : 0) : e.getValue());
        }
        sql.append(" WHERE id = ?");
        args.add(id);
        if (TaskStore.exec(tx.connection(), sql.toString(), args.toArray()) == 0) return false;
        if (events != null) setEvents(tx, id, events);
        return true;
    }

    private void setEvents(Tx tx, long id, Collection<String> events) throws SQLException {
        TaskStore.exec(tx.connection(), "DELETE FROM webhook_events WHERE webhook_id = ?", id);
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO webhook_events (webhook_id, event) VALUES (?, ?)")) {
            for (String e : new TreeSet<>(events)) {
                ps.setLong(1, id);
                ps.setString(2, e);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Deletes the subscription and its outbox and log. */
    public boolean delete(Tx tx, long id) throws SQLException {
        tx.forget(SUBSCRIBED);
        Connection c = tx.connection();
        TaskStore.exec(c, "DELETE FROM webhook_events WHERE webhook_id = ?", id);
        TaskStore.exec(c, "DELETE FROM webhook_deliveries WHERE webhook_id = ?", id);
        return TaskStore.exec(c, "DELETE FROM webhooks WHERE id = ?", id) > 0;
    }

    public Webhook find(Connection c, long id) throws SQLException {
        List<Webhook> l = query(c, "SELECT * FROM webhooks WHERE id = ?", id);
        return l.isEmpty() ? null : l.get(0);
    }

    public Page<Webhook> list(Connection c, int offset, int limit) throws SQLException {
        long total = Sql.count(c, "SELECT COUNT(*) FROM webhooks");
        return new Page<>(query(c, "SELECT * FROM webhooks ORDER BY id LIMIT ? OFFSET ?", limit, offset), total);
    }

    public Target target(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, url, secret, enabled FROM webhooks WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Target(rs.getLong(1), rs.getString(2), clear(rs.getString(3)), rs.getInt(4) != 0) : null;
            }
        }
    }

    private String clear(String stored) {
        return sealer.isSealed(stored) ? sealer.open(stored) : stored;
    }

    /** Seals the secrets stored in clear (rows from before sealing). @return how many */
    public int sealClearSecrets(Tx tx) throws SQLException {
        if (sealer == Sealer.NONE) return 0;
        Map<Long, String> clear = new LinkedHashMap<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT id, secret FROM webhooks");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) if (!sealer.isSealed(rs.getString(2))) clear.put(rs.getLong(1), rs.getString(2));
        }
        for (var e : clear.entrySet()) {
            TaskStore.exec(tx.connection(), "UPDATE webhooks SET secret = ? WHERE id = ?", sealer.seal(e.getValue()), e.getKey());
        }
        return clear.size();
    }

    private List<Webhook> query(Connection c, String sql, Object... args) throws SQLException {
        List<Webhook> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Webhook(rs.getLong("id"), rs.getString("url"), Set.of(), rs.getInt("enabled") != 0,
                            rs.getString("description"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at")));
                }
            }
        }
        List<Webhook> withEvents = new ArrayList<>(out.size());
        for (Webhook w : out) {
            Set<String> ev = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT event FROM webhook_events WHERE webhook_id = ?")) {
                ps.setLong(1, w.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ev.add(rs.getString(1));
                }
            }
            withEvents.add(new Webhook(w.id(), w.url(), ev, w.enabled(), w.description(), w.createdAt(), w.updatedAt()));
        }
        return withEvents;
    }

    // ---- outbox ----------------------------------------------------------------------------

    /**
     * Queues one delivery per enabled subscription to each event, snapshotting the task as the
     * caller's transaction has left it. @return how many deliveries were queued
     */
    public int fanOut(Tx tx, List<EventStore.Event> events, Instant now) throws SQLException {
        // One look per transaction at which event types anyone subscribes to, so the common case
        // (no webhooks, or none for these events) costs no statement per event or per op.
        Set<String> subscribed = tx.memo(SUBSCRIBED, () -> subscribedEvents(tx.connection()));
        List<EventStore.Event> wanted = events.stream().filter(e -> subscribed.contains(e.type())).toList();
        if (wanted.isEmpty()) return 0;
        int queued = 0;
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO webhook_deliveries (webhook_id, event,"
                + " event_ts, task_id, worker_id, event_data, task_name, task_result, task_started_at, task_completed_at,"
                + " status, attempts, next_attempt_at, created_at)"
                + " SELECT w.id, ?, ?, ?, ?, ?, t.name, t.result, t.started_at, t.completed_at, 'pending', 0, ?, ?"
                + " FROM webhook_events e JOIN webhooks w ON w.id = e.webhook_id LEFT JOIN tasks t ON t.id = ?"
                + " WHERE w.enabled = 1 AND e.event = ?")) {
            for (EventStore.Event e : wanted) {
                ps.setString(1, e.type());
                ps.setLong(2, e.ts());
                if (e.taskId() == null) ps.setNull(3, java.sql.Types.BIGINT);
                else ps.setLong(3, e.taskId());
                ps.setString(4, e.workerId());
                ps.setString(5, e.data());
                ps.setLong(6, now.toEpochMilli());
                ps.setLong(7, now.toEpochMilli());
                if (e.taskId() == null) ps.setNull(8, java.sql.Types.BIGINT);
                else ps.setLong(8, e.taskId());
                ps.setString(9, e.type());
                ps.addBatch();
            }
            for (int n : ps.executeBatch()) if (n > 0) queued += n;
        }
        return queued;
    }

    /**
     * Queues one delivery of {@code body} to {@code url} that belongs to no subscription (a job's
     * webhook; {@code webhook_id} {@link WebhookDelivery#NO_SUBSCRIPTION}), due at once.
     */
    public void insertDirect(Tx tx, String url, String event, String body, Instant now) throws SQLException {
        TaskStore.exec(tx.connection(), "INSERT INTO webhook_deliveries (webhook_id, event, event_ts, target_url, body,"
                + " status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
                WebhookDelivery.NO_SUBSCRIPTION, event, now.toEpochMilli(), url, body, now.toEpochMilli(), now.toEpochMilli());
    }

    private static Set<String> subscribedEvents(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT e.event FROM webhook_events e"
                + " JOIN webhooks w ON w.id = e.webhook_id WHERE w.enabled = 1");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    /** Pending deliveries due now and not held by another node, oldest first. */
    public List<WebhookDelivery> due(Connection c, Instant now, int limit) throws SQLException {
        return deliveries(c, "SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?"
                + " AND (locked_until IS NULL OR locked_until < ?) ORDER BY id LIMIT ?", now.toEpochMilli(),
                now.toEpochMilli(), limit);
    }

    /** The earliest next attempt of any pending delivery, or null. */
    public Instant nextDue(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long v = rs.getLong(1);
            return rs.wasNull() ? null : Instant.ofEpochMilli(v);
        }
    }

    /** Takes a delivery for one attempt (compare-and-set), so two nodes never send it at once. */
    public boolean lock(Tx tx, long id, Instant now, Instant until) throws SQLException {
        return TaskStore.exec(tx.connection(), "UPDATE webhook_deliveries SET locked_until = ? WHERE id = ?"
                + " AND status = 'pending' AND (locked_until IS NULL OR locked_until < ?)",
                until.toEpochMilli(), id, now.toEpochMilli()) > 0;
    }

    /** Records an attempt: delivered, retry at {@code nextAttempt}, or failed for good (nextAttempt null). */
    public void recordAttempt(Tx tx, long id, String status, Integer responseStatus, String error, Instant at,
                              Instant nextAttempt) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE webhook_deliveries SET status = ?,"
                + " attempts = attempts + 1, last_attempt_at = ?, response_status = ?, last_error = ?, locked_until = NULL,"
                + " next_attempt_at = ?, delivered_at = ? WHERE id = ?")) {
            ps.setString(1, status);
            ps.setLong(2, at.toEpochMilli());
            Sql.setInt(ps, 3, responseStatus);
            ps.setString(4, error);
            ps.setLong(5, (nextAttempt == null ? at : nextAttempt).toEpochMilli());
            Sql.setMillis(ps, 6, WebhookDelivery.DELIVERED.equals(status) ? at : null);
            ps.setLong(7, id);
            ps.executeUpdate();
        }
    }

    public Page<WebhookDelivery> deliveriesOf(Connection c, long webhookId, String status, int offset, int limit)
            throws SQLException {
        String where = " WHERE webhook_id = ?" + (status == null ? "" : " AND status = ?");
        Object[] args = status == null ? new Object[]{webhookId} : new Object[]{webhookId, status};
        long total = Sql.count(c, "SELECT COUNT(*) FROM webhook_deliveries" + where, args);
        List<Object> page = new ArrayList<>(List.of(args));
        page.add(limit);
        page.add(offset);
        return new Page<>(deliveries(c, "SELECT * FROM webhook_deliveries" + where + " ORDER BY id DESC LIMIT ? OFFSET ?",
                page.toArray()), total);
    }

    /** The newest deliveries of a subscription, without counting them all (served by ix_webhook_deliveries_hook). */
    public List<WebhookDelivery> recentDeliveriesOf(Connection c, long webhookId, int limit) throws SQLException {
        return deliveries(c, "SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ?", webhookId, limit);
    }

    private static List<WebhookDelivery> deliveries(Connection c, String sql, Object... args) throws SQLException {
        List<WebhookDelivery> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long task = rs.getLong("task_id");
                    Long taskId = rs.wasNull() ? null : task;
                    out.add(new WebhookDelivery(rs.getLong("id"), rs.getLong("webhook_id"), rs.getString("event"),
                            Sql.instant(rs, "event_ts"), taskId, rs.getString("worker_id"), rs.getString("event_data"),
                            rs.getString("task_name"), rs.getString("task_result"), Sql.instant(rs, "task_started_at"),
                            Sql.instant(rs, "task_completed_at"), rs.getString("status"), rs.getInt("attempts"),
                            Sql.instant(rs, "next_attempt_at"), Sql.instant(rs, "created_at"),
                            Sql.instant(rs, "last_attempt_at"), Sql.integer(rs, "response_status"),
                            rs.getString("last_error"), Sql.instant(rs, "delivered_at"), rs.getString("target_url"),
                            rs.getString("body")));
                }
            }
        }
        return out;
    }
}
