package dev.coxswain.core.pganalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs against a throw-away database on the local PostgreSQL. */
class CustomSqlAnalyzerTest {
    private static TestDatabases.PgDatabase db;
    private static PgTarget target;
    private final CustomSqlAnalyzer analyzer = new CustomSqlAnalyzer();

    @BeforeAll
    static void prepare() throws SQLException {
        db = TestDatabases.freshPostgres();
        target = PgTarget.fromJdbcUrl(db.url());
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, name text, price numeric(10,2), ok boolean, at timestamp)");
            s.execute("INSERT INTO t SELECT g, 'row ' || g, g * 1.5, g % 2 = 0, timestamp '2025-01-01' + g * interval '1 day' FROM generate_series(1, 20) g");
        }
    }

    @AfterAll
    static void drop() {
        if (db != null) db.close();
    }

    private static ObjectNode params(String sql) {
        ObjectNode p = Json.object();
        p.put("custom_sql", sql);
        return p;
    }

    private static long rowsInT() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean tableExists(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('public." + name + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    void returns_columns_rows_and_counts() {
        ObjectNode r = analyzer.run(target, params("SELECT id, name, price, ok, at FROM t WHERE id <= 2 ORDER BY id"));
        assertThat(r.get("columns").toString()).isEqualTo(
                "[{\"name\":\"id\",\"type\":\"int4\"},{\"name\":\"name\",\"type\":\"text\"},{\"name\":\"price\",\"type\":\"numeric\"},"
                        + "{\"name\":\"ok\",\"type\":\"bool\"},{\"name\":\"at\",\"type\":\"timestamp\"}]");
        assertThat(r.get("rows").toString()).isEqualTo(
                "[[1,\"row 1\",1.50,false,\"2025-01-02 00:00:00\"],[2,\"row 2\",3.00,true,\"2025-01-03 00:00:00\"]]");
        assertThat(r.get("row_count").asInt()).isEqualTo(2);
        assertThat(r.get("truncated").asBoolean()).isFalse();
        assertThat(r.has("notice")).isFalse();
        assertThat(r.get("duration_ms").isIntegralNumber()).isTrue();
    }

    @Test
    void caps_rows_and_says_so() {
        ObjectNode p = params("SELECT id FROM t ORDER BY id");
        p.put("max_rows", 5);
        ObjectNode r = analyzer.run(target, p);
        assertThat(r.get("row_count").asInt()).isEqualTo(5);
        assertThat(r.get("rows")).hasSize(5);
        assertThat(r.get("truncated").asBoolean()).isTrue();
        assertThat(r.get("notice").asText()).contains("truncated", "5 rows");

        ObjectNode exact = params("SELECT id FROM t ORDER BY id");
        exact.put("max_rows", 20);
        assertThat(analyzer.run(target, exact).get("truncated").asBoolean()).isFalse();
    }

    @Test
    void the_default_cap_is_1000_rows() {
        ObjectNode r = analyzer.run(target, params("SELECT g FROM generate_series(1, 1500) g"));
        assertThat(r.get("row_count").asInt()).isEqualTo(1000);
        assertThat(r.get("truncated").asBoolean()).isTrue();
        assertThat(r.get("max_rows").asInt()).isEqualTo(1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT ';' AS x -- ; DROP", "SELECT $$;DROP$$"})
    void semicolons_in_strings_and_comments_do_not_count(String sql) {
        ObjectNode r = analyzer.run(target, params(sql));
        assertThat(r.get("row_count").asInt()).isEqualTo(1);
        assertThat(r.get("rows").get(0).get(0).asText()).isIn(";", ";DROP");
    }

    @Test
    void show_explain_values_and_table_run() {
        assertThat(analyzer.run(target, params("SHOW statement_timeout")).get("rows").get(0).get(0).asText()).isEqualTo("5min");
        assertThat(analyzer.run(target, params("EXPLAIN SELECT * FROM t")).get("row_count").asInt()).isPositive();
        assertThat(analyzer.run(target, params("VALUES (1), (2)")).get("row_count").asInt()).isEqualTo(2);
        assertThat(analyzer.run(target, params("TABLE t")).get("row_count").asInt()).isEqualTo(20);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "DELETE FROM t", "DROP TABLE t", "COMMIT; DROP TABLE t", "SELECT 1; SELECT 2",
            "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "TRUNCATE t", "SELECT * INTO t_copy FROM t",
            "SELECT * FROM t FOR UPDATE", "SET default_transaction_read_only = off", "BEGIN",
    })
    void refuses_before_running_and_the_table_is_unchanged(String sql) throws SQLException {
        assertThatThrownBy(() -> analyzer.run(target, params(sql)))
                .isInstanceOf(PgAnalysisException.class)
                .hasMessageStartingWith("custom_sql refused: ")
                .satisfies(e -> assertThat(((PgAnalysisException) e).code()).isEqualTo(PgAnalysisException.REFUSED));
        assertThat(rowsInT()).isEqualTo(20);
        assertThat(tableExists("t")).isTrue();
        assertThat(tableExists("t_copy")).isFalse();
    }

    @Test
    void the_session_itself_refuses_writes_that_get_past_the_guard() throws SQLException {
        // Defence in depth: call the session directly, as if the guard had a hole.
        for (String sql : new String[] {"DELETE FROM t", "COMMIT; DELETE FROM t", "COMMIT; DROP TABLE t",
                "SELECT set_config('transaction_read_only', 'off', false)"}) {
            try (PgSession s = PgSession.open(target); Statement st = s.connection().createStatement()) {
                assertThatThrownBy(() -> st.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(s.failure((SQLException) e).getMessage()).startsWith("PostgreSQL error: "));
            }
            assertThat(rowsInT()).isEqualTo(20);
            assertThat(tableExists("t")).isTrue();
        }
    }

    @Test
    void a_write_hidden_in_a_function_is_refused_by_the_read_only_session() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE FUNCTION wipe() RETURNS int LANGUAGE sql AS $$ DELETE FROM t RETURNING 1 $$");
        }
        assertThatThrownBy(() -> analyzer.run(target, params("SELECT wipe()")))
                .isInstanceOf(PgAnalysisException.class)
                .hasMessageContaining("cannot execute DELETE in a read-only transaction")
                .satisfies(e -> assertThat(((PgAnalysisException) e).code()).isEqualTo(PgAnalysisException.SQL_ERROR));
        assertThat(rowsInT()).isEqualTo(20);
    }

    private static long largeObjects() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_largeobject_metadata")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void lo_from_bytea_commits_no_large_object() throws SQLException {
        // A read-only session does not stop it: large objects are written below the executor's check.
        assertThatThrownBy(() -> analyzer.run(target, params("SELECT lo_from_bytea(0, 'x')")))
                .isInstanceOf(PgAnalysisException.class)
                .hasMessageContaining("lo_from_bytea")
                .satisfies(e -> assertThat(((PgAnalysisException) e).code()).isEqualTo(PgAnalysisException.REFUSED));
        assertThat(largeObjects()).isZero();
    }

    @Test
    void what_gets_past_the_guard_is_rolled_back() throws SQLException {
        // Defence in depth: run past the guard, as if it had a hole; the statement's transaction is never committed.
        try (PgSession s = PgSession.open(target)) {
            ObjectNode r = CustomSqlAnalyzer.execute(s, "SELECT lo_from_bytea(0, 'x') AS oid", 10);
            assertThat(r.get("row_count").asInt()).isEqualTo(1);
        }
        assertThat(largeObjects()).isZero();
    }

    @Test
    void a_slow_query_is_cancelled_at_query_timeout() {
        // A set-returning function in the select list streams its rows (in FROM it would spill them to a temp file).
        ObjectNode p = params("SELECT count(g) FROM (SELECT generate_series(1, 10000000000) AS g) s");
        p.put("query_timeout", 1);
        long start = System.nanoTime();
        assertThatThrownBy(() -> analyzer.run(target, p))
                .isInstanceOf(PgAnalysisException.class)
                .hasMessageContaining("timed out after 1 s")
                .hasMessageContaining("canceling statement due to statement timeout")
                .satisfies(e -> assertThat(((PgAnalysisException) e).code()).isEqualTo(PgAnalysisException.TIMEOUT));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4500);
    }

    @Test
    void server_errors_carry_the_exact_postgres_message() {
        assertThatThrownBy(() -> analyzer.run(target, params("SELECT * FROM no_such_table")))
                .isInstanceOf(PgAnalysisException.class)
                .hasMessageContaining("relation \"no_such_table\" does not exist")
                .hasMessageContaining("42P01");
    }

    @Test
    void parameters_are_validated() {
        assertThatThrownBy(() -> analyzer.run(target, Json.object())).hasMessageContaining("custom_sql is required");
        ObjectNode p = params("SELECT 1");
        p.put("query_timeout", 0);
        assertThatThrownBy(() -> analyzer.run(target, p)).hasMessageContaining("query_timeout");
        ObjectNode q = params("SELECT 1");
        q.put("max_rows", "ten");
        assertThatThrownBy(() -> analyzer.run(target, q)).hasMessageContaining("max_rows");
        JsonNode ok = analyzer.run(target, params("SELECT 1 AS one"));
        assertThat(ok.get("rows").toString()).isEqualTo("[[1]]");
    }
}
