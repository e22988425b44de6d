package dev.coxswain.core.pganalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * config_check against the local PostgreSQL. Poor settings are planted per database
 * (ALTER DATABASE ... SET), which a new session on that database sees in pg_settings, so the test
 * never changes the server's own configuration.
 */
class ConfigCheckAnalyzerTest {
    private static TestDatabases.PgDatabase db;
    private static PgTarget target;
    private final ConfigCheckAnalyzer analyzer = new ConfigCheckAnalyzer();

    @BeforeAll
    static void prepare() throws SQLException {
        db = TestDatabases.freshPostgres();
        target = PgTarget.fromJdbcUrl(db.url());
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement()) {
            String name = db.name();
            s.execute("ALTER DATABASE " + name + " SET work_mem = '64kB'");
            s.execute("ALTER DATABASE " + name + " SET maintenance_work_mem = '1MB'");
            s.execute("ALTER DATABASE " + name + " SET random_page_cost = 8");
            s.execute("ALTER DATABASE " + name + " SET log_min_duration_statement = 0");
            s.execute("ALTER DATABASE " + name + " SET password_encryption = 'md5'");
            s.execute("ALTER DATABASE " + name + " SET track_counts = off");
            s.execute("ALTER DATABASE " + name + " SET idle_in_transaction_session_timeout = 0");
        }
    }

    @AfterAll
    static void drop() {
        if (db != null) db.close();
    }

    private static ObjectNode params(boolean performance, boolean security, String language) {
        ObjectNode p = Json.object();
        p.put("check_performance", performance);
        p.put("check_security", security);
        if (language != null) p.put("language", language);
        return p;
    }

    private static Map<String, JsonNode> checksById(ObjectNode r) {
        Map<String, JsonNode> m = new HashMap<>();
        r.get("checks").forEach(c -> m.put(c.get("id").asText(), c));
        return m;
    }

    @Test
    void names_the_planted_poor_settings() {
        ObjectNode r = analyzer.run(target, params(true, true, "en"));
        assertThat(r.fieldNames()).toIterable().contains("checks_performed", "warnings", "errors", "recommendations", "checks");
        assertThat(r.get("checks_performed").asInt()).isEqualTo(r.get("checks").size()).isGreaterThan(20);
        Map<String, JsonNode> checks = checksById(r);

        assertThat(checks.get("work_mem").get("severity").asText()).isEqualTo("warning");
        assertThat(checks.get("work_mem").get("current").asText()).isEqualTo("64kB");
        assertThat(checks.get("maintenance_work_mem").get("current").asText()).isEqualTo("1MB");
        assertThat(checks.get("random_page_cost").get("severity").asText()).isEqualTo("warning");
        assertThat(checks.get("random_page_cost").get("current").asText()).isEqualTo("8");
        assertThat(checks.get("log_min_duration_statement").get("severity").asText()).isEqualTo("warning");
        assertThat(checks.get("password_encryption").get("current").asText()).isEqualTo("md5");
        assertThat(checks.get("track_counts").get("severity").asText()).isEqualTo("error");
        assertThat(checks.get("idle_in_transaction_session_timeout").get("severity").asText()).isEqualTo("warning");

        // The seed's warnings and errors are counts; the sentences are under *_details.
        assertThat(r.get("warnings").isIntegralNumber()).isTrue();
        assertThat(r.get("errors").isIntegralNumber()).isTrue();
        assertThat(r.get("warnings").asInt()).isEqualTo(r.get("warning_details").size()).isEqualTo(r.get("summary").get("warning").asInt());
        assertThat(r.get("errors").asInt()).isEqualTo(r.get("error_details").size()).isEqualTo(r.get("summary").get("error").asInt());
        assertThat(r.get("warning_details").toString()).contains("work_mem = 64kB", "maintenance_work_mem = 1MB", "random_page_cost = 8",
                "password_encryption = md5", "log_min_duration_statement = 0");
        assertThat(r.get("error_details").toString()).contains("track_counts = off");
        assertThat(r.get("recommendations").toString()).contains("Raise work_mem to 4MB", "Turn track_counts on");
        assertThat(r.get("server").get("version_num").asInt()).isGreaterThanOrEqualTo(100000);
        // The test connects as the local superuser: RAM and the privileged facts are readable.
        assertThat(checks.get("total_ram").get("severity").asText()).isEqualTo("ok");
        assertThat(r.get("server").get("total_ram").isTextual()).isTrue();
        assertThat(checks).containsKeys("roles_without_password", "hba_trust", "login_superusers", "analysis_role");
    }

    @Test
    void russian_is_the_default_language() {
        ObjectNode r = analyzer.run(target, Json.object());
        assertThat(r.get("language").asText()).isEqualTo("ru");
        assertThat(r.get("recommendations").toString()).contains("Увеличить work_mem до 4MB");
    }

    @Test
    void rule_groups_follow_the_parameters() {
        ObjectNode perf = analyzer.run(target, params(true, false, "en"));
        assertThat(perf.get("checks").findValuesAsText("category")).doesNotContain("security");
        ObjectNode sec = analyzer.run(target, params(false, true, "en"));
        assertThat(sec.get("checks").findValuesAsText("category")).containsOnly("security");
    }

    @Test
    void an_ordinary_role_gets_unknown_facts_not_errors() throws SQLException {
        String role = "coxswain_pga_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String password = "Pw-" + UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
        }
        try {
            PgTarget plain = new PgTarget(target.host(), target.port(), target.database(), role, password, "disable", 5, 10);
            ObjectNode r = analyzer.run(plain, params(true, true, "en"));
            Map<String, JsonNode> checks = checksById(r);
            assertThat(checks.get("total_ram").get("current").asText()).isEqualTo("unknown");
            assertThat(checks.get("total_ram").get("why").asText()).contains("pg_read_server_files");
            assertThat(checks.get("roles_without_password").get("current").asText()).isEqualTo("unknown");
            assertThat(checks.get("hba_trust").get("current").asText()).isEqualTo("unknown");
            assertThat(checks).doesNotContainKey("analysis_role");
            assertThat(r.get("server").get("total_ram").isNull()).isTrue();
            assertThat(r.toString()).doesNotContain(password);
        } finally {
            try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement()) {
                s.execute("DROP ROLE IF EXISTS " + role);
            }
        }
    }

    @Test
    void bad_parameters_are_refused() {
        ObjectNode p = Json.object();
        p.put("language", "de");
        assertThatThrownBy(() -> analyzer.run(target, p)).isInstanceOf(PgAnalysisException.class).hasMessageContaining("language");
        ObjectNode q = Json.object();
        q.put("check_security", "yes");
        assertThatThrownBy(() -> analyzer.run(target, q)).hasMessageContaining("check_security");
    }
}
