package dev.coxswain.core.testing;

import dev.coxswain.core.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The stores the tests run against. PostgreSQL is found at {@code COXSWAIN_TEST_PG_URL} (a JDBC
 * URL of a database the tests may create databases from) or at 127.0.0.1:5432 as user postgres.
 * Each call to {@link #freshPostgres()} creates its own database, dropped again on close, so runs
 * never see each other's rows.
 *
 * <p>Where no PostgreSQL answers, the PostgreSQL tests are skipped with a loud message, except
 * under {@code CI=true}, where a missing PostgreSQL fails the run: a green CI must mean both
 * stores were tested.
 */
public final class TestDatabases {
    public static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    private TestDatabases() {
    }

    public static Database sqlite(Path dir) {
        return Database.sqlite(dir, false);
    }

    /** The admin URL the test databases are created from. */
    public static String adminUrl() {
        String env = System.getenv("COXSWAIN_TEST_PG_URL");
        return env == null || env.isBlank() ? DEFAULT_PG_URL : env;
    }

    /** A new, empty PostgreSQL database; skips (or, under CI, fails) when none answers. */
    public static PgDatabase freshPostgres() {
        String admin = adminUrl();
        String name = "coxswain_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            String msg = "PostgreSQL is not reachable at " + redact(admin) + " (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true but " + msg + "; the PostgreSQL store cannot go untested");
            }
            System.err.println("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                    + "!!! SKIPPING PostgreSQL tests: " + msg + "\n"
                    + "!!! Set COXSWAIN_TEST_PG_URL or start PostgreSQL on 127.0.0.1:5432 (user postgres).\n"
                    + "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            Assumptions.abort(msg);
        }
        return new PgDatabase(admin, name, withDatabase(admin, name));
    }

    /** {@code admin} with its database name replaced by {@code db}. */
    static String withDatabase(String admin, String db) {
        int scheme = admin.indexOf("//");
        int slash = admin.indexOf('/', scheme + 2);
        int q = admin.indexOf('?', slash < 0 ? scheme + 2 : slash);
        String head = slash < 0 ? (q < 0 ? admin : admin.substring(0, q)) : admin.substring(0, slash);
        String query = q < 0 ? "" : admin.substring(q);
        return head + "/" + db + query;
    }

    private static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** One throw-away PostgreSQL database. {@link #url()} includes the credentials of the admin URL. */
    public static final class PgDatabase implements AutoCloseable {
        private final String adminUrl;
        private final String name;
        private final String url;

        PgDatabase(String adminUrl, String name, String url) {
            this.adminUrl = adminUrl;
            this.name = name;
            this.url = url;
        }

        public String url() {
            return url;
        }

        public String name() {
            return name;
        }

        public Database open() {
            return Database.postgres(url, null, null, 4, 2);
        }

        @Override
        public void close() {
            try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("could not drop test database " + name + ": " + e.getMessage());
            }
        }
    }
}
