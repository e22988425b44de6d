package dev.coxswain.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;

/**
 * Versioned schema migrations, applied at start-up: {@code db/<dialect>/V<n>.sql} on the
 * classpath, applied in order, each in its own transaction together with its row in
 * {@code schema_version}. On PostgreSQL an advisory lock makes nodes starting together take turns.
 *
 * <p>Why not Flyway: it would add start-up time and a dependency tree for what is, with SQL
 * files per dialect, a forty-line loop; its community edition also keeps dropping databases from
 * its core artifact between majors.
 */
public final class Migrator {
    private static final Logger LOG = Logger.getLogger(Migrator.class.getName());

    private final SqlDialect dialect;

    public Migrator(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /** @return the schema version after migrating */
    public int migrate(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            // Under the lock too: CREATE TABLE IF NOT EXISTS is not safe against a concurrent one on
            // PostgreSQL (both see no table, one fails on a duplicate catalog key).
            dialect.lockForMigration(c);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
            }
            c.commit();
            int version = 1;
            while (true) {
                String sql = load(version);
                if (sql == null) return version - 1;
                dialect.lockForMigration(c);
                if (!applied(c, version)) {
                    try (Statement s = c.createStatement()) {
                        for (String stmt : sql.split(";\\s*(\\n|$)")) {
                            if (!stmt.isBlank()) s.execute(stmt);
                        }
                        s.execute("INSERT INTO schema_version (version, applied_at) VALUES (" + version + ", "
                                + System.currentTimeMillis() + ")");
                    }
                    LOG.info("applied schema migration " + dialect.name() + "/V" + version);
                }
                c.commit();
                version++;
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static boolean applied(Connection c, int version) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM schema_version WHERE version = " + version)) {
            return rs.next();
        }
    }

    private String load(int version) {
        String path = "db/" + dialect.name() + "/V" + version + ".sql";
        try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
