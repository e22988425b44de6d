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
            // Names that only look like refused functions: columns, a string, a comment, catalog lookups.
            "SELECT lo_export, pg_read_file FROM t",
            "SELECT 'lo_export(1, ''/tmp/x'')' AS s -- pg_read_file('x')",
            "SELECT pg_relation_filepath('pg_class'), pg_relation_filenode('pg_class')",
            "SELECT currval('s'), pg_current_wal_lsn(), pg_size_pretty(pg_database_size(current_database()))",
            "SELECT \"pg_read_file\" FROM t",
            "SELECT * FROM pg_file_settings",
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

    /** Functions that write, touch server files, signal other sessions, lock or run SQL given as a string. */
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT lo_from_bytea(0, 'x')", "SELECT lo_export(16400, '/tmp/x')", "SELECT lo_import('/etc/passwd')",
            "SELECT lo_create(0)", "SELECT lo_unlink(16400)", "SELECT lo_put(16400, 0, 'x')", "SELECT lo_open(16400, 131072)",
            "SELECT lowrite(0, 'x')", "SELECT lo_truncate(0, 1)",
            "SELECT pg_read_file('/etc/passwd')", "SELECT pg_read_binary_file('/etc/passwd')", "SELECT pg_ls_dir('.')",
            "SELECT * FROM pg_ls_logdir()", "SELECT * FROM pg_ls_waldir()", "SELECT pg_stat_file('postgresql.conf')",
            "SELECT pg_file_write('x', 'y', false)", "SELECT * FROM pg_logdir_ls()", "SELECT pg_current_logfile()",
            "SELECT pg_terminate_backend(1)", "SELECT pg_cancel_backend(1)", "SELECT pg_reload_conf()",
            "SELECT pg_rotate_logfile()", "SELECT pg_switch_wal()", "SELECT pg_create_restore_point('x')",
            "SELECT pg_advisory_lock(1)", "SELECT pg_try_advisory_xact_lock(1)", "SELECT pg_advisory_unlock_all()",
            "SELECT pg_advisory_lock_shared(1)",
            "SELECT nextval('s')", "SELECT setval('s', 1)", "SELECT set_config('work_mem', '1GB', false)",
            "SELECT txid_current()", "SELECT pg_current_xact_id()", "SELECT pg_notify('ch', 'x')",
            "SELECT pg_sleep(3600)", "SELECT pg_sleep_for('1 hour')", "SELECT pg_sleep_until(now() + interval '1 hour')",
            "SELECT dblink_exec('dbname=x', 'DROP TABLE t')", "SELECT * FROM dblink('dbname=x', 'SELECT 1') AS t(a int)",
            "SELECT dblink_connect('c', 'dbname=x')",
            "SELECT query_to_xml('SELECT lo_from_bytea(0, ''x'')', true, true, '')", "SELECT cursor_to_xml('c', 1, true, true, '')",
            "SELECT database_to_xml(true, true, '')", "SELECT query_to_xml_and_xmlschema('SELECT 1', true, true, '')",
            "SELECT ts_stat('SELECT to_tsvector(lo_from_bytea(0, ''x'')::text)')",
            "SELECT pg_stat_reset()", "SELECT pg_stat_statements_reset()", "SELECT pg_import_system_collations('pg_catalog')",
            "SELECT pg_promote()", "SELECT pg_drop_replication_slot('s')", "SELECT pg_logical_emit_message(true, 'p', 'x')",
            "SELECT pg_backup_start('x')", "SELECT pg_log_backend_memory_contexts(1)",
            "COPY (SELECT 1) TO '/tmp/x'", "copy t from program 'id'",
            // The same call written other ways: schema-qualified, quoted, any case, spaced, commented, nested.
            "SELECT pg_catalog.lo_export(16400, '/tmp/x')", "SELECT \"lo_export\"(16400, '/tmp/x')",
            "SELECT \"pg_catalog\".\"lo_from_bytea\"(0, 'x')", "SELECT PG_CATALOG.LO_FROM_BYTEA(0, 'x')",
            "SELECT Lo_From_Bytea (0, 'x')", "SELECT lo_from_bytea/* c */(0, 'x')", "SELECT lo_from_bytea\n(0, 'x')",
            "SELECT pg_catalog . pg_read_file('/etc/passwd')", "SELECT \"PG_READ_FILE\"('/etc/passwd')",
            "SELECT count(*) FROM (SELECT lo_from_bytea(0, 'x')) s", "WITH x AS (SELECT pg_terminate_backend(pid) FROM pg_stat_activity) SELECT 1",
            "SELECT 1 WHERE EXISTS (SELECT pg_advisory_lock(1))", "EXPLAIN SELECT lo_export(1, '/tmp/x')",
            "SELECT * FROM ROWS FROM (pg_ls_dir('.'))", "SELECT U&\"lo\\005fexport\"(16400, '/tmp/x')",
            "SELECT U&\"lo!005fexport\" UESCAPE '!' (16400, '/tmp/x')", "SELECT * FROM U&\"pg_ls_dir\" ('.')",
    })
    void refuses_functions_with_side_effects_or_server_access(String sql) {
        assertThat(ReadOnlySqlGuard.refusal(sql)).as(sql).isNotNull();
    }

    @Test
    void a_refused_function_is_named() {
        assertThat(ReadOnlySqlGuard.refusal("SELECT pg_catalog.\"lo_export\"(1, '/tmp/x')")).contains("lo_export");
        assertThat(ReadOnlySqlGuard.refusal("SELECT PG_SLEEP(10)")).contains("pg_sleep");
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
