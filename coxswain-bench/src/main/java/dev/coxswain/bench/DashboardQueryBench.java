package dev.coxswain.bench;

import dev.coxswain.core.dashboard.DashboardService;
import dev.coxswain.core.dashboard.Period;
import dev.coxswain.core.dashboard.Sort;
import dev.coxswain.core.dashboard.TaskFilter;
import dev.coxswain.core.dashboard.TaskSlice;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Times the dashboard's reads ({@link DashboardService}) on a store holding a million tasks
 * filled by {@link MillionTasks}: each call warmed up, then run {@code --runs} times; the median
 * and the slowest are printed. SQLite in a fresh temporary directory, PostgreSQL in a freshly
 * created database, both deleted afterwards. It asserts nothing about speed. See
 * {@code coxswain-bench/README.md}.
 */
public final class DashboardQueryBench {
    private static final int WARMUP = 3;
    /** The server's PostgreSQL pool (CoxswainServer): 10 connections plus 2 group-commit writers. */
    private static final int PG_POOL = 10;
    private static final int PG_WRITERS = 2;

    private DashboardQueryBench() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("dashboard-query-bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        Logger.getLogger("").setLevel(Level.WARNING);
        System.out.printf(Locale.ROOT, "dashboard query bench: %,d tasks, %d runs per call (after %d warm-up), JDK %s, %d cores%n",
                o.tasks, o.runs, WARMUP, Runtime.version(), Runtime.getRuntime().availableProcessors());
        if (o.sqlite) onSqlite(o);
        if (o.postgres) onPostgres(o);
    }

    private static void onSqlite(Options o) throws Exception {
        Path dir = Files.createTempDirectory("coxswain-dashboard-bench-");
        try (Database db = Database.sqlite(dir, false)) {
            run("sqlite", db, o);
        } finally {
            RemoteServers.deleteTree(dir);
        }
    }

    private static void onPostgres(Options o) throws Exception {
        String name = "coxswain_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(o.pgUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            System.out.println("[postgres] skipped: not reachable at " + EngineBench.redact(o.pgUrl) + " (" + e.getMessage() + ")");
            return;
        }
        System.out.println("[postgres] created database " + name);
        try (Database db = Database.postgres(EngineBench.withDatabase(o.pgUrl, name), null, null, PG_POOL, PG_WRITERS)) {
            run("postgres", db, o);
        } finally {
            try (Connection c = DriverManager.getConnection(o.pgUrl); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                System.out.println("[postgres] dropped database " + name);
            } catch (SQLException e) {
                System.out.println("[postgres] could not drop database " + name + ": " + e.getMessage());
            }
        }
    }

    /** One timed call: what it asks, and a line about its answer. */
    private record Call(String name, Supplier<String> run) {
    }

    private static void run(String store, Database db, Options o) {
        Clock clock = Clock.fixed(Instant.now(), ZoneOffset.UTC); // the series covers what was filled
        MillionTasks.Filled f = MillionTasks.fill(db, o.tasks, clock);
        System.out.printf(Locale.ROOT, "%n[%s] filled %,d tasks in %.1f s: %s%n", store, f.tasks(), f.took().toMillis() / 1000.0,
                f.byStatus());
        DashboardService d = new DashboardService(db, clock);
        long mid = clock.millis() - MillionTasks.SPAN.toMillis() / 2;
        long midId = (f.firstId() + f.lastId()) / 2;
        String page2 = d.tasks(TaskFilter.newest(50)).older();
        List<Call> calls = List.of(
                new Call("overview()", () -> {
                    var v = d.overview();
                    return "queued " + v.queuedHigh().value() + "/" + v.queuedNormal().value() + "/" + v.queuedLow().value()
                            + ", running " + v.running().value() + ", pending " + v.waiting().value() + ", "
                            + v.nextFirings().size() + " firings";
                }),
                new Call("series(HOUR)", () -> "completed " + Arrays.stream(d.series(Period.HOUR).completed()).sum()),
                new Call("series(DAY)", () -> "completed " + Arrays.stream(d.series(Period.DAY).completed()).sum()),
                new Call("statusCounts()", () -> d.statusCounts().toString().replace("CappedCount", "")),
                new Call("taskTypes()", () -> d.taskTypes().size() + " types"),
                list(d, "tasks newest", TaskFilter.newest(50)),
                list(d, "tasks newest, page 2", TaskFilter.newest(50).at(page2)),
                list(d, "tasks newest, back to page 1", TaskFilter.newest(50).at(d.tasks(TaskFilter.newest(50).at(page2)).newer())),
                list(d, "tasks newest, from 3.5 days ago", TaskFilter.newest(50).at("o:" + mid + ":" + midId)),
                list(d, "tasks oldest", filter(null, null, null, null, null, Sort.OLDEST)),
                list(d, "status completed", filter(TaskStatus.COMPLETED, null, null, null, null, Sort.NEWEST)),
                list(d, "status failed", filter(TaskStatus.FAILED, null, null, null, null, Sort.NEWEST)),
                list(d, "status queued", filter(TaskStatus.QUEUED, null, null, null, null, Sort.NEWEST)),
                list(d, "status queued, by priority", filter(TaskStatus.QUEUED, null, null, null, null, Sort.PRIORITY)),
                list(d, "type email", filter(null, "email", null, null, null, Sort.NEWEST)),
                list(d, "worker worker-3", filter(null, null, null, "worker-3", null, Sort.NEWEST)),
                list(d, "tag nightly", filter(null, null, "nightly", null, null, Sort.NEWEST)),
                list(d, "tag urgent (0.1 %)", filter(null, null, "urgent", null, null, Sort.NEWEST)),
                list(d, "by finish time", filter(null, null, null, null, null, Sort.FINISHED)),
                list(d, "failed, by finish time", filter(TaskStatus.FAILED, null, null, null, null, Sort.FINISHED)),
                list(d, "failed + type sync", filter(TaskStatus.FAILED, "sync", null, null, null, Sort.NEWEST)),
                list(d, "worker-2 + tag billing", filter(null, null, "billing", "worker-2", null, Sort.NEWEST)),
                list(d, "text \"export\" (0.02 %)", filter(null, null, null, null, "export", Sort.NEWEST)),
                list(d, "text \"job 99\"", filter(null, null, null, null, "job 99", Sort.NEWEST)),
                list(d, "text id task-" + midId, filter(null, null, null, null, "task-" + midId, Sort.NEWEST)));

        System.out.printf(Locale.ROOT, "%n[%s] %-34s %9s %9s  %s%n", store, "call", "median ms", "max ms", "answer");
        for (Call c : calls) {
            String answer = "";
            for (int i = 0; i < WARMUP; i++) answer = c.run().get();
            double[] ms = new double[o.runs];
            for (int i = 0; i < o.runs; i++) {
                long t0 = System.nanoTime();
                c.run().get();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            double median = o.runs % 2 == 1 ? ms[o.runs / 2] : (ms[o.runs / 2 - 1] + ms[o.runs / 2]) / 2;
            System.out.printf(Locale.ROOT, "[%s] %-34s %9.2f %9.2f  %s%n", store, c.name(), median, ms[o.runs - 1], answer);
        }
    }

    private static TaskFilter filter(TaskStatus status, String type, String tag, String worker, String text, Sort sort) {
        return new TaskFilter(status, type, tag, worker, text, sort, null, 50);
    }

    private static Call list(DashboardService d, String name, TaskFilter f) {
        return new Call(name, () -> {
            TaskSlice s = d.tasks(f);
            List<String> notes = new ArrayList<>();
            notes.add(s.rows().size() + " rows");
            if (s.windowed()) notes.add("windowed");
            if (s.newer() != null) notes.add("newer");
            if (s.older() != null) notes.add("older");
            return String.join(", ", notes);
        });
    }

    static final class Options {
        static final String USAGE = """
                usage: java -cp 'coxswain-bench/target/coxswain-bench.jar:coxswain-bench/target/lib/*' \\
                           dev.coxswain.bench.DashboardQueryBench [options]
                  --store sqlite|postgres|both   stores to measure (default both)
                  --tasks N                      tasks to fill the store with (default 1000000)
                  --runs N                       timed runs per call (default 20)
                  --pg-url URL                   admin JDBC URL to create the bench database from
                                                 (default $COXSWAIN_BENCH_PG_URL or %s)
                """.formatted(EngineBench.DEFAULT_PG_URL);

        int tasks = 1_000_000;
        int runs = 20;
        boolean sqlite = true;
        boolean postgres = true;
        String pgUrl;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            String env = System.getenv("COXSWAIN_BENCH_PG_URL");
            o.pgUrl = env == null || env.isBlank() ? EngineBench.DEFAULT_PG_URL : env;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--store" -> {
                        String v = value(args, ++i, a);
                        switch (v) {
                            case "sqlite" -> { o.sqlite = true; o.postgres = false; }
                            case "postgres" -> { o.sqlite = false; o.postgres = true; }
                            case "both" -> { o.sqlite = true; o.postgres = true; }
                            default -> throw new IllegalArgumentException("--store must be sqlite, postgres or both");
                        }
                    }
                    case "--tasks" -> o.tasks = positive(args, ++i, a);
                    case "--runs" -> o.runs = positive(args, ++i, a);
                    case "--pg-url" -> o.pgUrl = value(args, ++i, a);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return o;
        }

        private static String value(String[] args, int i, String opt) {
            if (i >= args.length) throw new IllegalArgumentException(opt + " needs a value");
            return args[i];
        }

        private static int positive(String[] args, int i, String opt) {
            String v = value(args, i, opt);
            try {
                int n = Integer.parseInt(v.replace("_", ""));
                if (n < 1) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(opt + " must be a positive integer, got " + v);
            }
        }
    }
}
