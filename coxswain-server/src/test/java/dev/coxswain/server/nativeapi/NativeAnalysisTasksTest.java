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
        // The seed's counts (a /scheduler client reads them as numbers); the run's result is the same JSON on every face.
        assertThat(report.path("warnings").isIntegralNumber()).as("%s", report).isTrue();
        assertThat(report.path("errors").isIntegralNumber()).as("%s", report).isTrue();
        assertThat(report.path("warning_details").size()).isEqualTo(report.path("warnings").asInt());
        assertThat(report.path("error_details").size()).isEqualTo(report.path("errors").asInt());
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

    /** Bad params, a refused statement and a missing connection are final: no retry waits for the same answer. */
    @Test
    void permanentFailuresAreNotRetried() {
        for (String[] c : new String[][]{{"perm-refused", "custom_sql", "" + connection, "{\"custom_sql\":\"DROP TABLE t\"}"},
                {"perm-params", "log_analysis", "" + connection, "{\"log_level\":\"LOUD\"}"},
                {"perm-no-conn", "config_check", "9998", "{}"}}) {
            JsonNode s = Shapes.ok(api.post("/api/schedules", "{\"name\":\"" + c[0] + "\",\"cron\":\"@daily\",\"task_type\":\""
                    + c[1] + "\",\"max_retries\":3,\"payload\":{\"connection_id\":" + c[2] + ",\"params\":" + c[3] + "}}"), 201);
            String id = Shapes.ok(api.post("/api/schedules/" + s.path("id").asText() + "/run"), 201).path("id").asText();
            JsonNode t = ApiServer.eventually(() -> api.getTask(id), x -> !x.path("error").isNull());
            assertThat(t.path("status").asText()).as("%s", t).isEqualTo("failed");
            assertThat(t.path("retry_count").asInt()).isZero();
        }
    }

    /** custom_sql needs the sql:custom scope on every route that creates or changes one (admin has it). */
    @Test
    void customSqlSchedulesNeedTheSqlCustomScope() {
        String writer = api.server.engine().apiKeys().create("sql-less", java.util.Set.of("tasks:read", "tasks:write", "jobs:write"),
                "starter").secret();
        dev.coxswain.server.testing.SecretLedger.secret(writer);
        String body = "{\"name\":\"%s\",\"cron\":\"@daily\",\"task_type\":\"custom_sql\",\"payload\":{\"connection_id\":"
                + connection + ",\"params\":{\"custom_sql\":\"SELECT 1\"}}}";
        JsonNode e = Shapes.error(api.call("POST", "/api/schedules").key(writer).body(body.formatted("sql-denied")).send(), 403,
                "forbidden");
        assertThat(e.toString()).contains("sql:custom");
        Shapes.ok(api.call("POST", "/api/schedules").key(writer).body("{\"name\":\"cfg-allowed\",\"cron\":\"@daily\","
                + "\"task_type\":\"config_check\",\"payload\":{\"connection_id\":" + connection + "}}").send(), 201);

        String id = Shapes.ok(api.post("/api/schedules", body.formatted("sql-by-admin")), 201).path("id").asText();
        Shapes.error(api.call("POST", "/api/schedules/" + id + "/run").key(writer).send(), 403, "forbidden");
        Shapes.error(api.call("PUT", "/api/schedules/" + id).key(writer)
                .body("{\"payload\":{\"connection_id\":" + connection + ",\"params\":{\"custom_sql\":\"SELECT 2\"}}}").send(),
                403, "forbidden");
        Shapes.ok(api.call("POST", "/api/schedules/" + id + "/pause").key(writer).send(), 200);

        String sqlKey = api.server.engine().apiKeys().create("sql-ok", java.util.Set.of("tasks:write", "sql:custom"), "starter")
                .secret();
        dev.coxswain.server.testing.SecretLedger.secret(sqlKey);
        Shapes.ok(api.call("POST", "/api/schedules").key(sqlKey).body(body.formatted("sql-allowed")).send(), 201);
        Shapes.ok(api.call("POST", "/api/schedules/" + id + "/run").key(sqlKey).send(), 201);

        // /api/tasks takes a type too: custom_sql needs sql:custom there as well.
        String typed = "{\"name\":\"typed\",\"type\":\"custom_sql\",\"params\":{\"connection_id\":" + connection
                + ",\"custom_sql\":\"SELECT 1\"},\"scheduled_at\":\"2999-01-01T00:00:00Z\"}";
        assertThat(Shapes.error(api.call("POST", "/api/tasks").key(writer).body(typed).send(), 403, "forbidden").toString())
                .contains("sql:custom");
        JsonNode t = Shapes.ok(api.call("POST", "/api/tasks").key(sqlKey).body(typed).send(), 201);
        assertThat(t.path("type").asText()).isEqualTo("custom_sql");
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
