package dev.coxswain.core.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The event history ({@code task.created}, {@code task.started}, … {@code worker.offline}),
 * written in the same transaction as the state change it records, so webhooks and event streams
 * built on it never see a change that did not commit, nor miss one that did.
 */
public final class EventStore {
    private final WebhookStore outbox;
    private final Runnable deliveriesQueued;

    /** Events only, no webhook outbox (tools and tests that need no deliveries). */
    public EventStore() {
        this(null, () -> { });
    }

    /**
     * @param outbox           where each event fans out to its webhook subscriptions, in the same transaction
     * @param deliveriesQueued run after the commit of a transaction that queued deliveries
     */
    public EventStore(WebhookStore outbox, Runnable deliveriesQueued) {
        this.outbox = outbox;
        this.deliveriesQueued = deliveriesQueued;
    }

    public record Event(long ts, String type, Long taskId, String workerId, String data) {
    }

    public void append(Tx tx, List<Event> events) throws SQLException {
        if (events.isEmpty()) return;
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "INSERT INTO events (ts, type, task_id, worker_id, data) VALUES (?, ?, ?, ?, ?)")) {
            for (Event e : events) {
                ps.setLong(1, e.ts());
                ps.setString(2, e.type());
                if (e.taskId() == null) ps.setNull(3, java.sql.Types.BIGINT);
                else ps.setLong(3, e.taskId());
                ps.setString(4, e.workerId());
                ps.setString(5, e.data());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        fanOut(tx, events);
    }

    /** Queues the webhook deliveries of events whose rows another statement wrote in this transaction. */
    public void fanOut(Tx tx, List<Event> events) throws SQLException {
        if (events.isEmpty()) return;
        if (outbox != null && outbox.fanOut(tx, events, java.time.Instant.ofEpochMilli(events.get(0).ts())) > 0) {
            tx.afterCommit(deliveriesQueued);
        }
    }

    /** One event of a task's history, stored or derived from its row. */
    public record TaskEvent(long ts, String type, String workerId, String data) {
    }

    /**
     * A task's event history, oldest first: the events its row stands for ({@link Lifecycle}) in
     * their places, and the stored ones of these types (all when null) from {@code fromTs} on.
     *
     * @param limit at most this many stored events
     */
    public static java.util.List<TaskEvent> history(java.sql.Connection c, long taskId, long fromTs,
                                                    java.util.Collection<String> types, int limit) throws SQLException {
        Lifecycle.Row row = Lifecycle.read(c, taskId);
        java.util.List<TaskEvent> out = new java.util.ArrayList<>();
        if (row != null) {
            for (TaskEvent e : java.util.Arrays.asList(row.createdEvent(), row.startEvent())) {
                if (e != null && (types == null || types.contains(e.type()))) out.add(e);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT ts, type, worker_id, data FROM events WHERE task_id = ?"
                + " AND ts >= ?" + (types == null ? "" : " AND type IN (" + Sql.placeholders(types.size()) + ")")
                + " ORDER BY id LIMIT ?")) {
            int i = 1;
            ps.setLong(i++, taskId);
            ps.setLong(i++, fromTs);
            if (types != null) for (String t : types) ps.setString(i++, t);
            ps.setInt(i, limit);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new TaskEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        TaskEvent done = row == null ? null : row.completedEvent();
        if (done != null && (types == null || types.contains(done.type()))) out.add(done);
        return out;
    }

    public long count(java.sql.Connection c, String type) throws SQLException {
        return Sql.count(c, "SELECT COUNT(*) FROM events WHERE type = ?", type);
    }
}
