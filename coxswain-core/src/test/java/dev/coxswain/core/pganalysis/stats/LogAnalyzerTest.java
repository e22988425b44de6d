package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Produces a real deadlock and a real ERROR in a throw-away database, then analyses them. */
class LogAnalyzerTest {
    static TestDatabases.PgDatabase pg;
    static final String ROLE = "coxswain_nopriv_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @BeforeAll
    static void prepare() throws Exception {
        pg = TestDatabases.freshPostgres();
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + ROLE + " LOGIN");
            s.execute("CREATE TABLE acc (id int PRIMARY KEY, v int)");
            s.execute("INSERT INTO acc VALUES (1, 0), (2, 0)");
            try {
                s.execute("SELECT 1 / 0 /* coxswain-log-error */");
            } catch (SQLException expected) {
                // wanted in the server log
            }
        }
        deadlock();
    }

    /** Two sessions lock rows 1 and 2 in opposite order; the server kills one with 40P01 after deadlock_timeout. */
    static void deadlock() throws Exception {
        try (Connection a = DriverManager.getConnection(pg.url()); Connection b = DriverManager.getConnection(pg.url())) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            a.createStatement().execute("UPDATE acc SET v = 1 WHERE id = 1");
            b.createStatement().execute("UPDATE acc SET v = 1 WHERE id = 2");
            // Own threads, not the common pool: on a small machine the pool may run the halves one after the other.
            Thread ta = Thread.ofPlatform().start(() -> swallow(a, "UPDATE acc SET v = 2 WHERE id = 2"));
            Thread tb = Thread.ofPlatform().start(() -> swallow(b, "UPDATE acc SET v = 2 WHERE id = 1"));
            ta.join(30_000);
            tb.join(30_000);
            for (Connection c : new Connection[] {a, b}) {
                c.rollback();
                c.setAutoCommit(true);
                c.createStatement().execute("SELECT pg_stat_force_next_flush()");
            }
        }
    }

    private static void swallow(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            // one of the two is the deadlock victim
        }
    }

    @AfterAll
    static void drop() throws Exception {
        if (pg == null) return;
        pg.close();
        try (Connection c = DriverManager.getConnection(TestDatabases.adminUrl()); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + ROLE);
        }
    }

    @Test
    void aRoleThatMayNotReadTheLogGetsTheReasonAndThePgStatDatabaseFallback() throws Exception {
        String url = pg.url().replace("user=postgres", "user=" + ROLE);
        Assumptions.assumeTrue(url.contains(ROLE), "the test URL does not name its user; cannot connect as another role");
        ObjectNode r = null;
        try (Connection c = DriverManager.getConnection(url)) {
            // A path is given, so this is the privilege check, not the logging_collector one.
            LogAnalysisParams p = new LogAnalysisParams(1, "WARNING", "/var/log/postgresql/postgresql-15-main.log", 0, Lang.RU);
            for (int i = 0; i < 20; i++) {
                r = new LogAnalyzer().analyze(c, p);
                if (db(r).path("deadlocks").asLong() > 0) break;
                Thread.sleep(250);
            }
        }
        assertThat(r.path("log_access").asText()).isEqualTo("unavailable");
        assertThat(r.path("log_access_reason").asText()).containsIgnoringCase("permission denied");
        assertThat(r.path("fallback").path("database_stats").path("source").asText()).isEqualTo("pg_stat_database");
        assertThat(db(r).path("deadlocks").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(r.path("fallback").path("statements").path("source").asText()).isEqualTo("pg_stat_statements");
        assertThat(r.path("findings").toString()).contains("\"database\":\"" + pg.name() + "\"", "\"kind\":\"deadlock\"", "\"source\":\"pg_stat_database\"");
        assertThat(r.path("recommendations").toString()).contains("pg_read_server_files", "одном порядке");
    }

    @Test
    void withoutAPathAndWithLoggingCollectorOffItSaysSo() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url())) {
            Assumptions.assumeFalse("on".equals(LogFileReader.setting(c, "logging_collector")), "logging_collector is on here");
            ObjectNode r = new LogAnalyzer().analyze(c, LogAnalysisParams.defaults());
            assertThat(r.path("log_access").asText()).isEqualTo("unavailable");
            assertThat(r.path("log_access_reason").asText()).contains("logging_collector is off", "log_file");
            assertThat(r.path("fallback").path("database_stats").path("databases").isArray()).isTrue();
        }
    }

    @Test
    void readsTheLogThroughPgLsLogdirWhenTheCollectorIsOn() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url())) {
            if (!"on".equals(LogFileReader.setting(c, "logging_collector"))) {
                System.err.println("\n!!! SKIPPING the pg_ls_logdir() path of LogAnalyzer: logging_collector is off on 127.0.0.1"
                        + " (changing it needs a restart). The configured-path read is tested instead.\n");
                Assumptions.abort("logging_collector is off");
            }
            ObjectNode r = new LogAnalyzer().analyze(c, new LogAnalysisParams(1, "ERROR", null, 0, Lang.EN));
            assertThat(r.path("log_access").asText()).isEqualTo("available");
            assertFoundOurProblems(r);
        }
    }

    @Test
    void readsAConfiguredLogFileAsSuperuser() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url())) {
            String path = debianLog(c);
            if (path == null) {
                System.err.println("\n!!! SKIPPING the log_file path of LogAnalyzer: no /var/log/postgresql/postgresql-<major>-main.log"
                        + " on the server (not a Debian-style cluster).\n");
                Assumptions.abort("no Debian log file");
            }
            ObjectNode r = new LogAnalyzer().analyze(c, new LogAnalysisParams(1, "ERROR", path, 0, Lang.EN));
            assertThat(r.path("log_access").asText()).isEqualTo("available");
            assertThat(r.path("log_source").path("files").get(0).path("path").asText()).isEqualTo(path);
            assertFoundOurProblems(r);
        }
    }

    private static void assertFoundOurProblems(ObjectNode r) {
        assertThat(r.path("log_source").path("parsed_entries").asInt()).isPositive();
        assertThat(r.path("counts_by_level").path("ERROR").asInt()).isPositive();
        assertThat(r.path("counts_by_level").has("WARNING")).isFalse();
        // The server is shared with other test runs, so our "division by zero" need not be in the top 10;
        // the deadlock we produced within the hour must be grouped, though.
        assertThat(r.path("top_messages")).isNotEmpty();
        assertThat(r.path("problems").toString()).contains("\"kind\":\"deadlock\"");
        assertThat(r.path("findings").toString()).contains("\"source\":\"server_log\"");
        assertThat(r.has("fallback")).isFalse();
    }

    private static String debianLog(Connection c) throws SQLException {
        String path = "/var/log/postgresql/postgresql-" + c.getMetaData().getDatabaseMajorVersion() + "-main.log";
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT size FROM pg_stat_file('" + path + "', true)")) {
            return rs.next() && rs.getObject(1) != null ? path : null;
        }
    }

    private static JsonNode db(JsonNode r) {
        for (JsonNode d : r.path("fallback").path("database_stats").path("databases")) {
            if (d.path("database").asText().equals(pg.name())) return d;
        }
        throw new AssertionError("no pg_stat_database row for " + pg.name());
    }
}
