package dev.coxswain.server.nativeapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analyses as task types, end to end over HTTP: a connection to a real PostgreSQL database, a
 * schedule of {@code custom_sql} / {@code config_check} run now, the report as the task's result;
 * a refused statement fails the run and changes nothing.
 */
class NativeAnalysisTasksTest {
    @TempDir
    static Path dir;
    static ApiServer api;
    static TestDatabases.PgDatabase target;
    static long connection;

    @BeforeAll
    static void start() throws Exception {
        target = TestDatabases.freshPostgres();
        try (Connection c = DriverManager.getConnection(target.url()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int)");
            s.execute("INSERT INTO t VALUES (1), (2), (3)");
        }
        api = ApiServer.start(dir);
        JsonNode c = Shapes.ok(api.post("/api/connections", "{\"name\":\"target\",\"host\":\"127.0.0.1\",\"database\":\""
                + target.name() + "\",\"user\":\"postgres\",\"sslmode\":\"disable\"}"), 201);
        connection = Long.parseLong(c.path("id").asText().substring("conn-".length()));
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
        if (target != null) target.close();
    }

    JsonNode runAnalysis(String name, String type, String params) {
        JsonNode s = Shapes.ok(api.post("/api/schedules", "{\"name\":\"" + name + "\",\"cron\":\"@daily\",\"task_type\":\"" + type
                + "\",\"max_retries\":0,\"payload\":{\"connection_id\":" + connection + ",\"params\":" + params + "}}"), 201);
        JsonNode task = Shapes.ok(api.post("/api/schedules/" + s.path("id").asText() + "/run"), 201);
        return task;
    }

    @Test
    void customSqlReturnsColumnsAndRows() {
        JsonNode task = runAnalysis("count-t", "custom_sql", "{\"custom_sql\":\"SELECT count(*) AS n FROM t\"}");
        JsonNode done = api.awaitStatus(task.path("id").asText(), "completed");
        JsonNode report = Json.read(done.path("result").asText());
        assertThat(report.path("columns").get(0).path("name").asText()).isEqualTo("n");
        assertThat(report.path("rows").get(0).get(0).asInt()).isEqualTo(3);
    }

    @Test
    void aRefusedStatementFailsTheRunAndChangesNothing() throws Exception {
        JsonNode task = runAnalysis("sneaky", "custom_sql", "{\"custom_sql\":\"COMMIT; DELETE FROM t\"}");
        JsonNode done = api.awaitStatus(task.path("id").asText(), "failed");
        assertThat(done.path("error").asText()).startsWith("refused");
        try (Connection c = DriverManager.getConnection(target.url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }

    @Test
    void configCheckReportsTheSeedsKeys() {
        JsonNode task = runAnalysis("config", "config_check", "{\"language\":\"en\"}");
        JsonNode done = api.awaitStatus(task.path("id").asText(), "completed");
        JsonNode report = Json.read(done.path("result").asText());
        assertThat(report.path("checks_performed").asInt()).isPositive();
        assertThat(report.has("warnings")).isTrue();
        assertThat(report.has("errors")).isTrue();
        assertThat(report.path("recommendations").isArray()).isTrue();
        assertThat(report.path("checks").isArray()).isTrue();
    }

    @Test
    void tableAnalysisNamesATableWithoutAPrimaryKey() {
        JsonNode task = runAnalysis("tables", "table_analysis", "{\"language\":\"en\"}");
        JsonNode done = api.awaitStatus(task.path("id").asText(), "completed");
        JsonNode report = Json.read(done.path("result").asText());
        boolean named = false;
        for (JsonNode f : report.path("findings")) {
            named |= f.path("kind").asText().equals("no_primary_key") && f.path("table").asText().matches("(public\\.)?t");
        }
        assertThat(named).as("a no_primary_key finding for table t in %s", report.path("findings")).isTrue();
    }

    @Test
    void queryAndLogAnalysesReportTheirSources() {
        JsonNode q = Json.read(api.awaitStatus(runAnalysis("queries", "query_analysis", "{}").path("id").asText(), "completed")
                .path("result").asText());
        assertThat(q.toString()).contains("source");
        JsonNode l = Json.read(api.awaitStatus(runAnalysis("logs", "log_analysis", "{\"time_range_hours\":1}").path("id").asText(),
                "completed").path("result").asText());
        assertThat(l.toString()).contains("source");
    }

    @Test
    void badParamsFailTheRunWithTheReason() {
        JsonNode done = api.awaitStatus(runAnalysis("bad-params", "log_analysis", "{\"log_level\":\"LOUD\"}").path("id").asText(),
                "failed");
        assertThat(done.path("error").asText()).startsWith("invalid_params");
    }

    @Test
    void aMissingConnectionFailsTheRunClearly() {
        JsonNode s = Shapes.ok(api.post("/api/schedules", "{\"name\":\"orphan\",\"cron\":\"@daily\",\"task_type\":\"custom_sql\","
                + "\"max_retries\":0,\"payload\":{\"connection_id\":9999,\"params\":{\"custom_sql\":\"SELECT 1\"}}}"), 201);
        JsonNode task = Shapes.ok(api.post("/api/schedules/" + s.path("id").asText() + "/run"), 201);
        JsonNode done = api.awaitStatus(task.path("id").asText(), "failed");
        assertThat(done.path("error").asText()).contains("connection 9999 does not exist");
    }
}
