package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Prepares known table/index problems in a throw-away database; the analysis must name each. */
class TableAnalyzerTest {
    static TestDatabases.PgDatabase pg;

    @BeforeAll
    static void prepare() throws Exception {
        pg = TestDatabases.freshPostgres();
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE no_pk (a int, b text)");
            s.execute("INSERT INTO no_pk SELECT g, 'x' FROM generate_series(1, 10) g");
            s.execute("CREATE TABLE bloated (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false)");
            s.execute("INSERT INTO bloated SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g");
            s.execute("DELETE FROM bloated WHERE id > 1000");
            s.execute("ANALYZE bloated");
            s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer int, note text)");
            s.execute("INSERT INTO orders SELECT g, g % 100, 'n' FROM generate_series(1, 1000) g");
            s.execute("CREATE INDEX orders_customer_idx ON orders (customer)");
            s.execute("CREATE INDEX orders_customer_idx2 ON orders (customer)");
            s.execute("CREATE INDEX orders_note_idx ON orders (note)");
            // Same column, different predicate: not a duplicate.
            s.execute("CREATE INDEX orders_customer_part_idx ON orders (customer) WHERE note IS NULL");
            s.execute("ANALYZE");
            // pg_stat_* counters are flushed asynchronously; force this session's out now (PG15+).
            s.execute("SELECT pg_stat_force_next_flush()");
        }
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
            // Scan one of the duplicates so "keep the used one" has something to decide on.
            s.execute("SET enable_seqscan = off");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM orders WHERE customer = 7")) {
                rs.next();
            }
            s.execute("SELECT pg_stat_force_next_flush()");
        }
    }

    @AfterAll
    static void drop() {
        if (pg != null) pg.close();
    }

    @Test
    void namesEveryPreparedProblem() throws Exception {
        ObjectNode r;
        try (Connection c = DriverManager.getConnection(pg.url())) {
            r = analyzeWithRetry(c, TableAnalysisParams.defaults());
        }
        assertThat(r.path("message").asText()).isEqualTo("Анализ таблиц выполнен");
        assertThat(kinds(r, "public.no_pk")).contains("no_primary_key");
        assertThat(kinds(r, "public.bloated")).contains("bloated", "autovacuum_disabled").doesNotContain("no_primary_key");
        assertThat(kinds(r, "public.orders")).contains("unused_index", "duplicate_index");

        JsonNode dup = findings(r).stream().filter(f -> f.path("kind").asText().equals("duplicate_index")).findFirst().orElseThrow();
        // Whichever of the two was scanned stays; the partial index is not a duplicate.
        assertThat(dup.path("duplicate_of").asText()).startsWith("orders_customer_idx");
        assertThat(dup.path("index").asText()).startsWith("orders_customer_idx").isNotEqualTo(dup.path("duplicate_of").asText());
        assertThat(findings(r)).noneMatch(f -> f.path("kind").asText().equals("duplicate_index")
                && f.path("index").asText().equals("orders_customer_part_idx"));
        // Primary keys are never reported unused.
        assertThat(findings(r)).noneMatch(f -> f.path("kind").asText().equals("unused_index") && f.path("index").asText().endsWith("_pkey"));
        assertThat(findings(r)).anyMatch(f -> f.path("kind").asText().equals("unused_index") && f.path("index").asText().equals("orders_note_idx"));

        JsonNode bloated = table(r, "public.bloated");
        assertThat(bloated.path("dead_tuples").asLong()).isGreaterThanOrEqualTo(19_000);
        assertThat(bloated.path("dead_ratio").asDouble()).isGreaterThan(0.9);
        assertThat(bloated.path("bloat").path("available").asBoolean()).isTrue();
        assertThat(bloated.path("bloat").path("estimated_bloat_ratio").asDouble()).isGreaterThan(0.5);
        assertThat(bloated.path("autovacuum_enabled").asBoolean()).isFalse();
        assertThat(bloated.path("last_analyze").isNull()).isFalse();
        assertThat(bloated.has("columns")).isFalse();
        assertThat(r.path("recommendations").toString()).contains("VACUUM", "первичный ключ", "DROP INDEX CONCURRENTLY");
    }

    @Test
    void targetTablesDetailedEnglishAndMissingTable() throws Exception {
        ObjectNode r;
        try (Connection c = DriverManager.getConnection(pg.url())) {
            r = new TableAnalyzer().analyze(c, new TableAnalysisParams(List.of("public.orders", "no_pk", "nope.missing"), true, 0, Lang.EN));
        }
        assertThat(r.path("message").asText()).isEqualTo("Table analysis completed");
        assertThat(r.path("tables")).hasSize(3);
        JsonNode orders = table(r, "public.orders");
        assertThat(orders.path("columns").get(0).path("name").asText()).isEqualTo("id");
        assertThat(orders.path("columns").get(0).path("nullable").asBoolean()).isFalse();
        assertThat(orders.path("indexes").toString()).contains("CREATE INDEX orders_note_idx ON public.orders USING btree (note)");
        assertThat(r.path("tables").get(2).path("error").asText()).isEqualTo("table not found");
        assertThat(r.path("recommendations").toString()).contains("primary key");
    }

    @Test
    void worksInsideTheCallersTransaction() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url())) {
            c.setAutoCommit(false);
            ObjectNode r = new TableAnalyzer().analyze(c, new TableAnalysisParams(List.of("bad..name", "orders"), false, 0, Lang.RU));
            assertThat(r.path("tables").get(0).has("error")).isTrue();
            assertThat(r.path("tables").get(1).path("table").asText()).isEqualTo("public.orders");
            c.rollback();
        }
    }

    /** pg_stat counters arrive asynchronously; give them a few seconds even after the forced flush. */
    private static ObjectNode analyzeWithRetry(Connection c, TableAnalysisParams p) throws Exception {
        ObjectNode r = null;
        for (int i = 0; i < 20; i++) {
            r = new TableAnalyzer().analyze(c, p);
            if (kinds(r, "public.bloated").contains("bloated") && table(r, "public.bloated").path("dead_tuples").asLong() > 0) return r;
            Thread.sleep(250);
        }
        return r;
    }

    static List<JsonNode> findings(JsonNode r) {
        List<JsonNode> out = new ArrayList<>();
        r.path("findings").forEach(out::add);
        return out;
    }

    static List<String> kinds(JsonNode r, String table) {
        return findings(r).stream().filter(f -> f.path("table").asText().equals(table)).map(f -> f.path("kind").asText()).toList();
    }

    static JsonNode table(JsonNode r, String name) {
        for (JsonNode t : r.path("tables")) if (t.path("table").asText().equals(name)) return t;
        throw new AssertionError("no table " + name + " in " + r.path("tables"));
    }
}
