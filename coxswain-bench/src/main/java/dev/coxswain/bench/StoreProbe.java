package dev.coxswain.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * The benchmark's own read connection to the server's store (the server keeps its
 * {@code Database} to itself): "are all tasks finished?" asked the way a client would see it, so
 * a task counts only once its completion is committed. One connection, used from one thread.
 */
final class StoreProbe implements AutoCloseable {
    private final Connection c;
    private final PreparedStatement anyOpen;

    private StoreProbe(Connection c) throws SQLException {
        this.c = c;
        // One EXISTS per status, each answered from the status index rather than a scan.
        this.anyOpen = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM tasks WHERE status = 'queued')"
                + " OR EXISTS (SELECT 1 FROM tasks WHERE status = 'running')"
                + " OR EXISTS (SELECT 1 FROM tasks WHERE status = 'pending')");
    }

    /** A read-only connection to the SQLite file (WAL: it never blocks the server's writer). */
    static StoreProbe sqlite(java.nio.file.Path file) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setBusyTimeout(5_000);
        return new StoreProbe(cfg.createConnection("jdbc:sqlite:" + file.toAbsolutePath()));
    }

    static StoreProbe postgres(String url, Properties props) throws SQLException {
        Connection c = DriverManager.getConnection(url, props);
        c.setAutoCommit(true);
        return new StoreProbe(c);
    }

    boolean anyOpen() throws SQLException {
        try (ResultSet rs = anyOpen.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    Map<String, Long> statusCounts() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM tasks GROUP BY status ORDER BY status")) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    /** Workflow jobs by status. */
    Map<String, Long> jobCounts() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status")) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    /** Fresh planner statistics (PostgreSQL), taken with the backlog queued, as EngineBench does. */
    void analyze() throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("ANALYZE");
        }
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }
}
