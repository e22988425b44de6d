package dev.coxswain.core.pganalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ReadOnlySqlGuardTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1",
            "select 1;",
            "SELECT 1; -- trailing comment ; DROP TABLE t",
            "SELECT ';' AS x -- ; DROP",
            "SELECT $$;DROP$$",
            "SELECT $tag$ ; DELETE FROM t; $notit$ $tag$",
            "SELECT \"weird;name\" FROM t",
            "SELECT E'it\\'s; DROP TABLE t' AS s",
            "SELECT 'it''s; COMMIT' AS s",
            "/* outer /* nested ; DROP */ still comment */ SELECT 1",
            "WITH c AS (SELECT 1 AS a) SELECT a FROM c",
            "WITH RECURSIVE r(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
            "VALUES (1, 'a'), (2, 'b')",
            "TABLE pg_class",
            "SHOW work_mem",
            "SHOW ALL",
            "EXPLAIN SELECT * FROM pg_class",
            "EXPLAIN (COSTS false, FORMAT json) SELECT 1",
            "(SELECT 1) UNION (SELECT 2)",
            "SELECT substring('abc' FROM 1 FOR 2)",
            "SELECT count(*) AS active_connections FROM pg_stat_activity WHERE state = 'active';",
            "SELECT a$b FROM t WHERE x = $1",
    })
    void allows_read_only_queries(String sql) {
        assertThat(ReadOnlySqlGuard.refusal(sql)).as(sql).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "DELETE FROM t", "INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE",
            "TRUNCATE t", "COPY t TO STDOUT", "DROP TABLE t", "CREATE TABLE x (a int)", "ALTER TABLE t ADD b int",
            "GRANT SELECT ON t TO public", "REVOKE ALL ON t FROM public", "BEGIN", "COMMIT", "ROLLBACK",
            "START TRANSACTION", "SET TRANSACTION READ WRITE", "SET default_transaction_read_only = off",
            "RESET ALL", "DO $$BEGIN DELETE FROM t; END$$", "CALL p()", "LOCK TABLE t", "VACUUM t", "ANALYZE t",
            "LISTEN ch", "NOTIFY ch", "SELECT * INTO t2 FROM t", "SELECT * FROM t FOR UPDATE", "SELECT * FROM t FOR SHARE",
            "SELECT * FROM t FOR NO KEY UPDATE", "SELECT * FROM (SELECT * FROM t FOR UPDATE) s",
            "COMMIT; DROP TABLE t", "SELECT 1; SELECT 2", "SELECT 1; DELETE FROM t",
            "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
            "WITH d AS MATERIALIZED (UPDATE t SET a = 2 RETURNING *) SELECT * FROM d",
            "WITH c AS (SELECT 1) DELETE FROM t",
            "EXPLAIN ANALYZE SELECT 1", "EXPLAIN (ANALYZE, BUFFERS) SELECT 1", "EXPLAIN DELETE FROM t",
            "EXPLAIN CREATE TABLE x AS SELECT 1",
            "", "   ", "-- only a comment", "SELECT 'unterminated", "SELECT $$ open", "/* open comment SELECT 1",
            "42",
    })
    void refuses_everything_else(String sql) {
        assertThat(ReadOnlySqlGuard.refusal(sql)).as(sql).isNotNull();
    }

    @Test
    void refusals_say_why() {
        assertThat(ReadOnlySqlGuard.refusal("DELETE FROM t")).contains("DELETE", "DML");
        assertThat(ReadOnlySqlGuard.refusal("DROP TABLE t")).contains("DROP", "DDL");
        assertThat(ReadOnlySqlGuard.refusal("COMMIT; DROP TABLE t")).contains("2 statements");
        assertThat(ReadOnlySqlGuard.refusal("SET TRANSACTION READ WRITE")).contains("transaction control");
        assertThat(ReadOnlySqlGuard.refusal("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d")).contains("data-modifying CTE");
        assertThatThrownBy(() -> ReadOnlySqlGuard.check("DROP TABLE t"))
                .isInstanceOf(PgAnalysisException.class)
                .hasMessageStartingWith("custom_sql refused: ")
                .satisfies(e -> assertThat(((PgAnalysisException) e).code()).isEqualTo(PgAnalysisException.REFUSED));
    }
}
