package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.connection.ConnectionService;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.core.webhook.WebhookService;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.NewJob;
import dev.coxswain.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long the key, webhook, analysis and workflow pages take over real HTTP on a store of
 * 1,000,000 tasks, on SQLite and on PostgreSQL. Not part of the build (minutes of filling):
 * {@code mvn -B -o -pl coxswain-server -am test -Dtest=AdminPagesTiming -Dsurefire.failIfNoSpecifiedTests=false
 * -Dcoxswain.uiTiming=true}. Writes {@code target/ui-timing-admin.txt}.
 *
 * <p>The data holds the traps: the analysis runs are the oldest 40 % of the tasks (the newest
 * 600,000 are of another type, so "the newest analysis runs" found by walking the newest tasks
 * would read 600,000 rows first); 100,000 workflow jobs, 90 % finished, a tenth of them owned by a
 * reader; one webhook with 200,000 deliveries; one job with 5,000 history events; one analysis
 * whose result is a 500-row query result.
 */
@EnabledIfSystemProperty(named = "coxswain.uiTiming", matches = "true")
class AdminPagesTiming {
    static final int TASKS = Integer.getInteger("coxswain.uiTiming.tasks", 1_000_000);
    static final int ANALYSES = TASKS * 2 / 5;
    static final int JOBS = 100_000;
    static final int DELIVERIES = 200_000;
    static final int EVENTS = 5_000;
    static final int KEYS = 200;
    static final int HOOKS = 50;
    static final int WARM = 5;
    static final int RUNS = 30;
    static final Pattern OLDER = Pattern.compile("href=\"(/ui/connections\\?type=custom_sql&amp;cursor=[^\"]+)\">Older");

    @TempDir
    Path dir;

    @Test
    void sqlite() throws Exception {
        try (UiServer srv = new UiServer(UiServer.config(dir.resolve("sqlite")), Clock.systemUTC())) {
            measure("sqlite", srv);
        }
    }

    @Test
    void postgres() throws Exception {
        try (TestDatabases.PgDatabase pg = TestDatabases.freshPostgres()) {
            ServerConfig cfg = new ServerConfig(0, "127.0.0.1", dir.resolve("pg"), pg.url(), null, null, UiServer.ADMIN, 2,
                    Duration.ZERO, ZoneOffset.UTC, 1 << 20, 1000, false, "worker-ui", Duration.ofSeconds(30));
            try (UiServer srv = new UiServer(cfg, Clock.systemUTC())) {
                measure("postgres", srv);
            }
        }
    }

    private void measure(String store, UiServer srv) throws Exception {
        Engine engine = srv.server.engine();
        long t0 = System.nanoTime();
        for (int i = 0; i < KEYS; i++) srv.key("key-" + i, Set.of(Scopes.READ));
        String reader = srv.key("reader", Set.of(Scopes.READ));
        long readerId = engine.apiKeys().list().stream().filter(k -> k.name().equals("reader")).findFirst().orElseThrow().id();
        List<Long> hooks = new ArrayList<>();
        for (int i = 0; i < HOOKS; i++) {
            hooks.add(engine.webhooks().create(new WebhookService.NewWebhook("http://93.184.215.14/hook/" + i,
                    Set.of("task.created"), null, i == 0, "hook " + i)).webhook().id());
        }
        var conn = srv.server.connections().create(new ConnectionService.Spec("warehouse", "127.0.0.1", 5432, "postgres",
                "postgres", "never-shown", "disable", null, List.of()), "api");
        // The analysis every copy is made from: its result a 500-row query result (written as a run would).
        Task analysis = engine.tasks().create(new NewTask("custom_sql", "big result", null,
                Json.read("{\"connection_id\": " + conn.id() + ", \"params\": {\"custom_sql\": \"SELECT …\"}}"), 5, 0, "exponential",
                Instant.now().plus(Duration.ofDays(365)), 60, List.of(), List.of(), false, "api", null));
        engine.workflows().register(WorkflowPagesTest.APPROVAL, "json", "timing");
        engine.workflows().register(WorkflowPagesTest.PIPELINE, "json", "timing");
        Job job = engine.workflows().create("approve", new NewJob("key:1", Json.object().put("who", "bob"), null, null, null, null));
        fill(engine.database(), analysis.id(), bigResult(), job.id(), readerId, hooks.get(0));
        long fillMs = (System.nanoTime() - t0) / 1_000_000;

        if (Boolean.getBoolean("coxswain.uiTiming.explain") && store.equals("postgres")) {
            engine.database().read(cx -> {
                try (Statement st = cx.createStatement()) {
                    st.execute("SET enable_sort = off");
                    try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS) SELECT t.id FROM tasks t WHERE t.type = 'custom_sql'"
                            + " ORDER BY t.created_at DESC, t.id DESC LIMIT 26")) {
                        while (rs.next()) System.out.println("PLAN " + rs.getString(1));
                    }
                    st.execute("RESET enable_sort");
                }
                return null;
            });
        }
        UiClient c = srv.admin();
        String older = null;
        Matcher m = OLDER.matcher(c.get("/ui/connections?type=custom_sql").body());
        if (m.find()) older = m.group(1).replace("&amp;", "&");
        assertThat(older).as("an Older link on the custom_sql runs").isNotNull();
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put(String.format(Locale.ROOT, "API keys (%d)", KEYS + 2), "/ui/keys");
        pages.put(String.format(Locale.ROOT, "webhooks (%d, latest 5 deliveries each)", HOOKS), "/ui/webhooks");
        pages.put(String.format(Locale.ROOT, "webhook with %,d deliveries", DELIVERIES), "/ui/webhooks/wh-" + hooks.get(0));
        pages.put("connections + runs, all analysis types", "/ui/connections");
        pages.put("runs of custom_sql", "/ui/connections?type=custom_sql");
        pages.put("runs of custom_sql, older page", older);
        pages.put("runs fragment (live)", "/ui/connections/runs");
        pages.put("analysis with a 500-row result", "/ui/analyses/task-" + analysis.id());
        pages.put(String.format(Locale.ROOT, "workflows (%,d jobs), admin", JOBS), "/ui/workflows");
        pages.put("workflows, status failed", "/ui/workflows?status=failed");
        pages.put("blueprint approve + its jobs", "/ui/workflows/blueprints/approve");
        pages.put(String.format(Locale.ROOT, "job with %,d history events", EVENTS), "/ui/workflows/jobs/" + job.id());
        UiClient r = srv.client();
        r.signIn(reader);

        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%s: %,d tasks (%,d analysis runs, the oldest), %,d jobs, %,d deliveries (filled in %,d ms); %d runs per page"
                        + " after %d warm-up, ms%n", store, TASKS, ANALYSES, JOBS, DELIVERIES, fillMs, RUNS, WARM));
        out.append(String.format(Locale.ROOT, "%-44s %8s %8s %8s%n", "page", "median", "p95", "max"));
        for (var e : pages.entrySet()) out.append(time(c, e.getKey(), e.getValue()));
        out.append(time(r, "workflows, reader (own jobs, owner index)", "/ui/workflows"));
        out.append(time(r, "workflows, reader, status finished (window)", "/ui/workflows?status=finished"));
        System.out.println(out);
        write(out.toString());
    }

    private static String time(UiClient c, String name, String path) {
        for (int i = 0; i < WARM; i++) assertThat(c.get(path).status()).as(path).isEqualTo(200);
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long s = System.nanoTime();
            UiClient.Page p = c.get(path);
            ms[i] = (System.nanoTime() - s) / 1e6;
            assertThat(p.status()).isEqualTo(200);
        }
        Arrays.sort(ms);
        return String.format(Locale.ROOT, "%-44s %8.1f %8.1f %8.1f%n", name, ms[RUNS / 2], ms[(int) Math.ceil(RUNS * 0.95) - 1],
                ms[RUNS - 1]);
    }

    private static String bigResult() {
        ObjectNode r = Json.object();
        ArrayNode cols = r.putArray("columns");
        for (String c : List.of("relname", "schemaname", "n_live_tup", "n_dead_tup", "last_autovacuum")) {
            cols.addObject().put("name", c).put("type", "text");
        }
        ArrayNode rows = r.putArray("rows");
        for (int i = 0; i < 500; i++) {
            rows.addArray().add("table_" + i).add("public").add(i * 1000L).add(i * 7L).add("2026-12-0" + (1 + i % 9) + " 03:00:00+00");
        }
        return r.put("row_count", 500).put("truncated", false).put("max_rows", 1000).put("duration_ms", 12).toString();
    }

    /** Copies template rows in one statement per table (see the class comment for the shape). */
    private static void fill(Database db, long analysis, String result, String job, long reader, long hook) {
        db.write(tx -> {
            Connection c = tx.connection();
            boolean pg = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            try (PreparedStatement ps = c.prepareStatement("UPDATE tasks SET status = 'completed', result = ?, started_at = created_at,"
                    + " completed_at = created_at + 80 WHERE id = ?")) {
                ps.setString(1, result);
                ps.setLong(2, analysis);
                ps.executeUpdate();
            }
            long base = System.currentTimeMillis() - TASKS * 1000L;
            Map<String, String> task = new LinkedHashMap<>();
            task.put("type", "CASE WHEN n > " + ANALYSES + " THEN 'report' WHEN n % 5 = 0 THEN 'config_check' WHEN n % 5 = 1"
                    + " THEN 'custom_sql' WHEN n % 5 = 2 THEN 'table_analysis' WHEN n % 5 = 3 THEN 'query_analysis'"
                    + " ELSE 'log_analysis' END");
            task.put("name", "'bulk-' || n");
            task.put("status", "'completed'");
            task.put("result", "NULL");
            task.put("created_at", base + " + n * 1000");
            task.put("updated_at", base + " + n * 1000 + 500");
            task.put("run_at", base + " + n * 1000");
            task.put("scheduled_at", "NULL");
            task.put("started_at", base + " + n * 1000 + 100");
            task.put("completed_at", base + " + n * 1000 + 400");
            task.put("attempt", "1");
            task.put("worker_id", "'worker-ui'");
            copy(c, pg, "tasks", "id", analysis, TASKS, task);

            long jobBase = System.currentTimeMillis() - JOBS * 1000L;
            String hex = pg ? "lpad(to_hex(n), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0')"
                    : "printf('%08x-0000-4000-8000-%012x', n, n)";
            Map<String, String> jobs = new LinkedHashMap<>();
            jobs.put("id", hex);
            jobs.put("blueprint_name", "CASE WHEN n % 2 = 0 THEN 'approve' ELSE 'pipeline' END");
            jobs.put("owner", "CASE WHEN n % 10 = 0 THEN 'key:" + reader + "' ELSE 'key:1' END");
            jobs.put("status", "CASE WHEN n % 100 < 90 THEN 'finished' WHEN n % 100 < 97 THEN 'failed' ELSE 'cancelled' END");
            jobs.put("current_state", "NULL");
            jobs.put("created_at", jobBase + " + n * 1000");
            jobs.put("updated_at", jobBase + " + n * 1000 + 900");
            jobs.put("finished_at", jobBase + " + n * 1000 + 900");
            copy(c, pg, "jobs", "id", job, JOBS, jobs);

            Map<String, String> events = new LinkedHashMap<>();
            events.put("event_type", "CASE WHEN n % 2 = 0 THEN 'state_started' ELSE 'state_finished' END");
            copy(c, pg, "job_history", "job_id", job, EVENTS, events);

            // A delivery to copy: the template task's own task.created event, queued when it was made.
            Map<String, String> deliveries = new LinkedHashMap<>();
            deliveries.put("status", "'delivered'");
            deliveries.put("attempts", "1");
            deliveries.put("response_status", "200");
            deliveries.put("delivered_at", "created_at");
            copy(c, pg, "webhook_deliveries", "webhook_id", hook, DELIVERIES, deliveries);
            if (pg) {
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE tasks");
                    s.execute("ANALYZE jobs");
                    s.execute("ANALYZE job_history");
                    s.execute("ANALYZE webhook_deliveries");
                }
            }
            return null;
        });
    }

    /** n copies of the first row where {@code key} = {@code value}, with {@code set} columns computed from n. */
    private static void copy(Connection c, boolean pg, String table, String key, Object value, int n, Map<String, String> set)
            throws java.sql.SQLException {
        List<String> cols = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) cols.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
        }
        List<String> into = new ArrayList<>(), from = new ArrayList<>();
        for (String col : cols) {
            if (col.equals("id") && !set.containsKey("id")) continue;
            into.add(col);
            from.add(set.getOrDefault(col, "t." + col));
        }
        String seq = pg ? "generate_series(1, " + n + ") AS seq(n)"
                : "(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < " + n + ") SELECT n FROM s) seq";
        String first = "(SELECT * FROM " + table + " WHERE " + key + " = ? ORDER BY " + (table.equals("jobs") ? "created_at" : "id")
                + " LIMIT 1) t";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + String.join(", ", into) + ") SELECT "
                + String.join(", ", from) + " FROM " + first + ", " + seq)) {
            ps.setObject(1, value);
            ps.executeUpdate();
        }
    }

    private static void write(String text) throws IOException {
        Path f = Path.of("target", "ui-timing-admin.txt");
        Files.createDirectories(f.getParent());
        Files.writeString(f, text + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
