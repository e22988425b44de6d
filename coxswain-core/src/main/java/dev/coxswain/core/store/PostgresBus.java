package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The cluster bus on PostgreSQL: {@code LISTEN/NOTIFY} on one channel.
 *
 * <p>One dedicated connection (outside the pool, which must not lose a connection to a blocking
 * wait) listens; a sender thread announces on a pooled connection. Announcements coalesce: any
 * number of "tasks queued" raised while a send is in flight go out as one message, so a burst
 * of enqueues costs the other nodes one wake-up and this node one round trip, off the request
 * path. A payload is {@code <sender>|q|s:<task>:<attempt>|…}; a node ignores its own.
 *
 * <p>The listening connection also holds this node's lock ({@link SqlDialect#tryNodeLock}), taken
 * before LISTEN on every (re)connect: it ends with the node's session, which is how the other
 * nodes see at once that this one died. After a dropped connection the first reconnect is
 * immediate, so a live node's lock is free only for the moment a reconnect takes.
 */
public final class PostgresBus implements ClusterBus {
    private static final Logger LOG = Logger.getLogger(PostgresBus.class.getName());
    static final String CHANNEL = "coxswain_wake";
    /** PostgreSQL refuses payloads of 8000 bytes and more; the messages are ASCII. */
    private static final int MAX_PAYLOAD = 7000;
    /** How long the listener blocks per wait; bounds how long close() waits for it. */
    private static final int WAIT_MILLIS = 500;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Opens a connection. */
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** Takes this node's lock on the listening connection; false while another session holds it. */
    public interface NodeLock {
        boolean take(Connection c) throws SQLException;
    }

    private final Connector listenConnector;
    private final NodeLock nodeLock;
    private final Connector sendConnector;
    /** Tells this node's messages from the others' (its own listener hears them too). */
    private final String self = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ConcurrentLinkedQueue<String> stops = new ConcurrentLinkedQueue<>();
    private final Semaphore kick = new Semaphore(0);
    private volatile boolean running;
    private Thread listener;
    private Thread sender;

    /**
     * @param listenConnector opens the dedicated listening connection (reopened after a failure)
     * @param sendConnector   lends a connection to send on (a pool), returned after each send
     */
    public PostgresBus(Connector listenConnector, Connector sendConnector) {
        this(listenConnector, sendConnector, null);
    }

    /** @param nodeLock takes this node's lock on each new listening connection (null: none) */
    public PostgresBus(Connector listenConnector, Connector sendConnector, NodeLock nodeLock) {
        this.nodeLock = nodeLock;
        this.listenConnector = listenConnector;
        this.sendConnector = sendConnector;
    }

    // Before start and after close these only collect: nothing sends them.
    @Override
    public void tasksQueued() {
        if (!queued.getAndSet(true)) kick.release();
    }

    @Override
    public void stop(long taskId, int attempt) {
        stops.add("s:" + taskId + ":" + attempt);
        kick.release();
    }

    @Override
    public synchronized void start(Listener l) {
        if (listener != null) return;
        running = true;
        listener = Thread.ofPlatform().daemon().name("cluster-bus-listen").start(() -> listen(l));
        sender = Thread.ofPlatform().daemon().name("cluster-bus-send").start(this::sendLoop);
    }

    @Override
    public void close() {
        Thread l, s;
        synchronized (this) {
            running = false;
            l = listener;
            s = sender;
        }
        kick.release();
        try {
            if (s != null) s.join(5_000);
            if (l != null) l.join(WAIT_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- receiving ---------------------------------------------------------------------------

    private void listen(Listener l) {
        Duration backoff = FIRST_BACKOFF;
        boolean connectedBefore = false;
        boolean up = false;
        while (running) {
            try (Connection c = listenConnector.open()) {
                if (nodeLock != null && !nodeLock.take(c)) {
                    throw new SQLException("this node's lock is held by another session (an earlier process"
                            + " with the same worker id, not yet gone?)");
                }
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                if (connectedBefore) LOG.info("cluster bus: listening again");
                connectedBefore = true;
                // Whatever was announced before this LISTEN (at start-up, or while cut off) is lost.
                l.listening();
                up = true;
                backoff = FIRST_BACKOFF;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] got = pg.getNotifications(WAIT_MILLIS);
                    if (got != null) for (PGNotification n : got) deliver(n.getParameter(), l);
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) return;
                if (up) {
                    // Reconnect at once: until then this node's lock is free and looks like a death.
                    up = false;
                    LOG.warning("cluster bus: listening connection failed (" + e.getMessage() + "); reconnecting");
                    continue;
                }
                LOG.warning("cluster bus: listening connection failed (" + e.getMessage() + "); retrying in "
                        + backoff.toMillis() + " ms; other nodes' work is found by the fallback poll meanwhile");
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Applies one payload from another node; anything unreadable is ignored (it is only a hint). */
    void deliver(String payload, Listener l) {
        if (payload == null) return;
        String[] parts = payload.split("\\|");
        if (parts.length < 2 || parts[0].equals(self)) return;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            try {
                if (p.equals("q")) {
                    l.tasksQueued();
                } else if (p.startsWith("s:")) {
                    String[] f = p.split(":");
                    l.stop(Long.parseLong(f[1]), Integer.parseInt(f[2]));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "cluster bus: ignored message part " + p, e);
            }
        }
    }

    // ---- sending -----------------------------------------------------------------------------

    private void sendLoop() {
        boolean failing = false;
        while (true) {
            try {
                kick.acquire();
            } catch (InterruptedException e) {
                return;
            }
            kick.drainPermits();
            List<String> payloads = payloads();
            if (!payloads.isEmpty()) {
                try {
                    send(payloads);
                    failing = false;
                } catch (SQLException | RuntimeException e) {
                    // A lost announcement only delays the other nodes to their fallback poll.
                    if (!failing) LOG.warning("cluster bus: could not announce to other nodes (" + e.getMessage() + ")");
                    failing = true;
                }
            }
            if (!running && !queued.get() && stops.isEmpty()) return;
        }
    }

    /** Everything waiting, as payloads under the size limit. */
    List<String> payloads() {
        List<String> parts = new ArrayList<>();
        if (queued.getAndSet(false)) parts.add("q");
        for (String s; (s = stops.poll()) != null; ) parts.add(s);
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder(self);
        for (String p : parts) {
            if (b.length() + 1 + p.length() > MAX_PAYLOAD) {
                out.add(b.toString());
                b = new StringBuilder(self);
            }
            b.append('|').append(p);
        }
        if (b.length() > self.length()) out.add(b.toString());
        return out;
    }

    private void send(List<String> payloads) throws SQLException {
        try (Connection c = sendConnector.open(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            for (String p : payloads) {
                ps.setString(1, CHANNEL);
                ps.setString(2, p);
                ps.executeQuery().close();
            }
            // NOTIFY is delivered at commit; a pooled connection may come in a transaction.
            if (!c.getAutoCommit()) c.commit();
        }
    }
}
