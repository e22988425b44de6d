package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;
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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long the schedule, worker and device pages take over real HTTP on a store of 1,000,000
 * tasks, on SQLite and on PostgreSQL. Not part of the build (minutes of filling):
 * {@code mvn -B -o -pl coxswain-server test -Dtest=ScheduleWorkerPagesTiming -Dcoxswain.uiTiming=true}.
 * Writes {@code target/ui-timing-schedules-workers.txt}.
 *
 * <p>The data holds the traps for a careless plan: the oldest quarter of the tasks belongs to one
 * worker and one (since paused) Chadburn job, so "its newest tasks" found by walking the newest
 * tasks backwards would read 750,000 rows first.
 */
@EnabledIfSystemProperty(named = "coxswain.uiTiming", matches = "true")
class ScheduleWorkerPagesTiming {
    static final int TASKS = Integer.getInteger("coxswain.uiTiming.tasks", 1_000_000);
    static final int OLD = TASKS / 4;
    static final int SCHEDULES = 1_000;
    static final int DEVICES = 300;
    static final int WARM = 5;
    static final int RUNS = 30;

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
        ObjectNode reg = Json.object().put("worker_id", "farm-old").put("max_concurrent_tasks", 8);
        reg.putArray("supported_skills").addObject().put("name", "tap").put("description", "taps");
        reg.putObject("capabilities").put("hostname", "farm-host");
        ArrayNode devs = reg.putObject("resources").putArray("devices");
        for (int i = 0; i < DEVICES; i++) {
            devs.addObject().put("id", String.format(Locale.ROOT, "SER-%05d", i)).put("type", "phone").put("model", "Pixel")
                    .putObject("properties").putArray("accounts").add("acct-" + i);
        }
        engine.remote().register("farm-old", reg);

        List<Schedule> made = new ArrayList<>();
        for (int i = 0; i < SCHEDULES; i++) {
            String face = i % 3 == 0 ? "chadburn" : i % 3 == 1 ? "native" : "scheduler";
            made.add(engine.schedules().create(new NewSchedule(face, "sched-" + i, null, i % 2 == 0 ? "*/5 * * * *" : "30 9 * * 1-5",
                    "Europe/Berlin", face.equals("chadburn") ? "shell" : "report", Json.object().put("command", "true"), 5,
                    List.of(), 0, "exponential", 60, MisfirePolicy.RUN_ONCE, OverlapPolicy.FORBID, true)));
        }
        Schedule oldJob = made.get(0);   // chadburn, paused: its runs are the oldest quarter
        Schedule busy = made.get(1);     // native: every tenth of the newer tasks
        Task template = engine.tasks().create(new dev.coxswain.core.domain.NewTask("report", "template", null, Json.object(), 5, 0,
                "exponential", null, 60, List.of(), List.of(), false, null, null));

        long t0 = System.nanoTime();
        fill(engine.database(), template.id(), oldJob.id(), busy.id());
        long fillMs = (System.nanoTime() - t0) / 1_000_000;

        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("schedules list", "/ui/schedules");
        pages.put("schedules, paused Chadburn jobs", "/ui/schedules?kind=chadburn&status=paused");
        pages.put("schedules, page 20", "/ui/schedules?page=20");
        pages.put(String.format(Locale.ROOT, "schedule with the oldest %,d runs", OLD), "/ui/schedules/" + oldJob.id());
        pages.put("same, older history page", "/ui/schedules/" + oldJob.id() + "?before=" + (OLD / 2));
        pages.put(String.format(Locale.ROOT, "schedule with %,d recent runs", (TASKS - OLD) / 10), "/ui/schedules/" + busy.id());
        pages.put("workers list", "/ui/workers");
        pages.put("workers live fragment", "/ui/workers?part=table");
        pages.put(String.format(Locale.ROOT, "worker with the oldest %,d tasks", OLD), "/ui/workers/farm-old");
        pages.put(String.format(Locale.ROOT, "local worker (%,d newest tasks)", TASKS - OLD), "/ui/workers/worker-ui");
        pages.put("devices", "/ui/devices");
        pages.put("devices of one worker, page 2", "/ui/devices?worker=farm-old&after=SER-00099");

        UiClient c = srv.admin();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%s: %,d tasks (filled in %,d ms), %,d schedules, %d devices; %d runs per page after %d warm-up, ms%n",
                store, TASKS, fillMs, SCHEDULES, DEVICES, RUNS, WARM));
        out.append(String.format(Locale.ROOT, "%-44s %8s %8s %8s%n", "page", "median", "p95", "max"));
        for (var e : pages.entrySet()) {
            for (int i = 0; i < WARM; i++) assertThat(c.get(e.getValue()).status()).as(e.getValue()).isEqualTo(200);
            double[] ms = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long s = System.nanoTime();
                UiClient.Page p = c.get(e.getValue());
                ms[i] = (System.nanoTime() - s) / 1e6;
                assertThat(p.status()).isEqualTo(200);
            }
            Arrays.sort(ms);
            out.append(String.format(Locale.ROOT, "%-44s %8.1f %8.1f %8.1f%n", e.getKey(), ms[RUNS / 2],
                    ms[(int) Math.ceil(RUNS * 0.95) - 1], ms[RUNS - 1]));
        }
        System.out.println(out);
        write(out.toString());
    }

    /**
     * {@link #TASKS} finished tasks copied from a template row in one statement: the oldest
     * quarter ran on farm-old for the old job, the rest on the local worker, every tenth of them
     * for the busy schedule.
     */
    private static void fill(Database db, long template, long oldJob, long busy) {
        db.write(tx -> {
            Connection c = tx.connection();
            List<String> cols = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM tasks WHERE 1 = 0")) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) cols.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
            }
            boolean pg = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            long base = System.currentTimeMillis() - TASKS * 1000L;
            Map<String, String> set = new LinkedHashMap<>();
            set.put("name", "'bulk-' || n");
            set.put("status", "'completed'");
            set.put("created_at", base + " + n * 1000");
            set.put("updated_at", base + " + n * 1000 + 500");
            set.put("run_at", base + " + n * 1000");
            set.put("started_at", base + " + n * 1000 + 100");
            set.put("completed_at", base + " + n * 1000 + 400");
            set.put("attempt", "1");
            set.put("worker_id", "CASE WHEN n <= " + OLD + " THEN 'farm-old' ELSE 'worker-ui' END");
            set.put("origin_kind", "CASE WHEN n <= " + OLD + " OR n % 10 = 0 THEN 'schedule' END");
            set.put("origin_id", "CASE WHEN n <= " + OLD + " THEN '" + oldJob + "' WHEN n % 10 = 0 THEN '" + busy + "' END");
            List<String> into = new ArrayList<>(), from = new ArrayList<>();
            for (String col : cols) {
                if (col.equals("id")) continue;
                into.add(col);
                from.add(set.getOrDefault(col, "t." + col));
            }
            String seq = pg ? "generate_series(1, " + TASKS + ") AS seq(n)"
                    : "(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < " + TASKS + ") SELECT n FROM s) seq";
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tasks (" + String.join(", ", into) + ") SELECT "
                    + String.join(", ", from) + " FROM tasks t, " + seq + " WHERE t.id = ?")) {
                ps.setLong(1, template);
                ps.executeUpdate();
            }
            if (pg) {
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE tasks");
                }
            }
            return null;
        });
    }

    private static void write(String text) throws IOException {
        Path f = Path.of("target", "ui-timing-schedules-workers.txt");
        Files.createDirectories(f.getParent());
        Files.writeString(f, text + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
