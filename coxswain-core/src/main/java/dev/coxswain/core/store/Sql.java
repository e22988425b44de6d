package dev.coxswain.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Small JDBC conveniences for epoch-millisecond times and nullable numbers. */
public final class Sql {
    private Sql() {
    }

    public static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

    public static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, t.toEpochMilli());
    }

    public static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) ps.setNull(i, Types.INTEGER);
        else ps.setInt(i, v);
    }

    public static Instant instant(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    /** By position: sqlite-jdbc resolves a column label anew for every result set (a JNI call per column). */
    public static Instant instant(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    public static Integer integer(ResultSet rs, int col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    public static Long longOrNull(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    public static Double doubleOrNull(ResultSet rs, int col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    public static Integer integer(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    public static Double doubleOrNull(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    /**
     * Splits {@code n} rows into parts of at most {@code max} (a power of two): as many of
     * {@code max} as fit, then the powers of two of the rest, largest first (1,000 in parts of 512:
     * 512, 256, 128, 64, 32, 8). A multi-row statement per part costs a few statements per batch,
     * and only a few distinct statement texts, which SQLite's writer keeps compiled ({@link StatementCache}).
     */
    public static int[] parts(int n, int max) {
        if (Integer.bitCount(max) != 1) throw new IllegalArgumentException("max must be a power of two: " + max);
        int[] out = new int[n / max + Integer.bitCount(n % max)];
        int i = 0;
        for (int k = 0; k < n / max; k++) out[i++] = max;
        for (int bit = max >> 1; bit > 0; bit >>= 1) if ((n % max & bit) != 0) out[i++] = bit;
        return out;
    }

    public static String placeholders(int n) {
        return SqliteDialect.placeholders(n);
    }

    public static long count(java.sql.Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
