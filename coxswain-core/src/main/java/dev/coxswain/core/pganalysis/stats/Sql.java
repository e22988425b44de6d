package dev.coxswain.core.pganalysis.stats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.OffsetDateTime;

/** Small JDBC helpers shared by the analyzers. */
final class Sql {
    private Sql() {
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} so that a failing probe (a missing extension, a denied function) does not
     * poison the caller's transaction: outside autocommit a failed statement aborts the whole
     * transaction, so the probe runs under a savepoint that is rolled back on error.
     */
    static <T> T guarded(Connection c, Work<T> work) throws SQLException {
        if (c.getAutoCommit()) return work.run();
        Savepoint sp = c.setSavepoint();
        try {
            T result = work.run();
            c.releaseSavepoint(sp);
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback(sp);
            throw e;
        }
    }

    /** Cuts long SQL/log text so one monster query cannot blow up the stored result. */
    static String truncate(String s, int max) {
        if (s == null || s.length() <= max) return s;
        return s.substring(0, max) + "…";
    }

    /** A timestamptz column as ISO-8601 text, or JSON null. */
    static void putTime(ObjectNode node, String key, ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        if (t == null) node.putNull(key);
        else node.put(key, t.toString());
    }

    /** A nullable numeric column, kept null rather than turned into 0. */
    static void putLong(ObjectNode node, String key, ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        if (rs.wasNull()) node.putNull(key);
        else node.put(key, v);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** One-line error text for a result; JDBC messages carry no credentials, but we keep only the first line. */
    static String describe(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
