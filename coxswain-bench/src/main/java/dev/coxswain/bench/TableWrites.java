package dev.coxswain.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rows written to each table of one PostgreSQL database, from {@code pg_stat_user_tables}
 * ({@code n_tup_ins}, {@code n_tup_upd} — HOT updates included —, {@code n_tup_del}).
 *
 * <p>A backend sends its counts to the statistics only now and then (at most once a second while
 * busy, within ~10 s once idle), so counts read while the scheduler's connections are open miss
 * some of their writes, and {@code pg_stat_force_next_flush()} helps only the session that calls
 * it. A backend that exits flushes everything before it leaves {@code pg_stat_activity}. So the
 * counts are read once no other client backend is connected to the database (the scheduler has
 * closed its pools), and then again until two reads a quarter of a second apart agree. This
 * session itself writes nothing.
 */
final class TableWrites {
    private static final long WAIT_FOR_BACKENDS_MILLIS = 30_000;
    private static final long READ_GAP_MILLIS = 250;
    private static final int MAX_READS = 40;

    private TableWrites() {
    }

    /** Rows one table had inserted, updated and deleted. */
    record Counts(long inserted, long updated, long deleted) {
        static final Counts ZERO = new Counts(0, 0, 0);

        long total() {
            return inserted + updated + deleted;
        }

        Counts minus(Counts o) {
            return new Counts(inserted - o.inserted, updated - o.updated, deleted - o.deleted);
        }
    }

    /** The counts of every user table once they are complete; see the class comment. */
    static Map<String, Counts> settled(String url) throws SQLException, InterruptedException {
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(true);
            awaitNoOtherBackends(c);
            Map<String, Counts> last = read(c);
            for (int i = 0; i < MAX_READS; i++) {
                Thread.sleep(READ_GAP_MILLIS);
                Map<String, Counts> now = read(c);
                if (now.equals(last)) return now;
                last = now;
            }
            throw new IllegalStateException("pg_stat_user_tables kept changing for "
                    + MAX_READS * READ_GAP_MILLIS / 1000 + " s with no client connected");
        }
    }

    /** {@code after − before}, per table; tables without writes in between are left out. */
    static Map<String, Counts> delta(Map<String, Counts> before, Map<String, Counts> after) {
        Map<String, Counts> out = new TreeMap<>();
        for (Map.Entry<String, Counts> e : after.entrySet()) {
            Counts d = e.getValue().minus(before.getOrDefault(e.getKey(), Counts.ZERO));
            if (d.total() != 0) out.put(e.getKey(), d);
        }
        return out;
    }

    private static void awaitNoOtherBackends(Connection c) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + WAIT_FOR_BACKENDS_MILLIS * 1_000_000L;
        while (true) {
            long others;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                         + " AND pid <> pg_backend_pid() AND backend_type = 'client backend'")) {
                rs.next();
                others = rs.getLong(1);
            }
            if (others == 0) return;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(others + " connection(s) to the database still open after "
                        + WAIT_FOR_BACKENDS_MILLIS / 1000 + " s: their writes would be missing from the counts");
            }
            Thread.sleep(20);
        }
    }

    private static Map<String, Counts> read(Connection c) throws SQLException {
        Map<String, Counts> out = new TreeMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT schemaname, relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables")) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String name = schema.equals("public") ? rs.getString(2) : schema + "." + rs.getString(2);
                out.put(name, new Counts(rs.getLong(3), rs.getLong(4), rs.getLong(5)));
            }
        }
        return out;
    }
}
