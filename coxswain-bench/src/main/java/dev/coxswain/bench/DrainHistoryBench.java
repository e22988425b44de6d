package dev.coxswain.bench;

import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Does a long history slow the queue? The backlog drain of {@link EngineBench} (N noop tasks
 * queued with the engine stopped, then the engine started on them: tasks/s until none is open)
 * on a store that already holds a million finished tasks ({@link MillionTasks#fillHistory}),
 * against the same on an empty store, round by round in alternating order, and the plan of the
 * claim statement on the full store with the backlog queued. Then the same drains after a quiet
 * spell (a new store against the full one), where the statements run with the plans the quiet
 * spell left. Figures only.
 */
public final class DrainHistoryBench {
    private DrainHistoryBench() {
    }

    /** A store that can be opened, and removed afterwards. */
    private interface Store extends AutoCloseable {
        Database open();

        String describe();

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("drain-history-bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        if (!o.verbose) Logger.getLogger("").setLevel(Level.WARNING);
        System.out.printf(Locale.ROOT, "Coxswain drain with history%n  JDK %s, %d cores; N = %,d noop tasks per drain (createAll(%d) x %d"
                        + " clients, engine stopped), history %,d finished tasks, %d rounds, engine concurrency %d%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), o.tasks, o.batch, o.clients, o.history, o.rounds,
                o.concurrency);
        boolean problems = false;
        for (String s : o.stores) {
            try {
                run(o, s);
            } catch (Exception e) {
                problems = true;
                System.out.println("[" + s + "] FAILED: " + e);
                e.printStackTrace(System.out);
            }
        }
        if (problems) System.exit(1);
    }

    /**
     * The empty store and the full one live through the same rounds (each round leaves its N
     * finished tasks, and on PostgreSQL their dead row versions, in both), so the history is the
     * only difference between them. The JIT warms up on a third store, dropped afterwards.
     */
    private static void run(Options o, String kind) throws Exception {
        String tag = "[" + kind + "] ";
        if (kind.equals("postgres")) {
            try (Connection c = DriverManager.getConnection(o.pgUrl); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('server_version'), current_setting('autovacuum'),"
                         + " current_setting('shared_buffers')")) {
                rs.next();
                System.out.printf(Locale.ROOT, "%sPostgreSQL %s, autovacuum %s, shared_buffers %s%n", tag, rs.getString(1), rs.getString(2),
                        rs.getString(3));
            }
        }
        try (Store history = fresh(o, kind); Store empty = fresh(o, kind)) {
            try (Database db = history.open()) {
                MillionTasks.Filled f = MillionTasks.fillHistory(db, o.history, Clock.systemUTC());
                System.out.printf(Locale.ROOT, "%sfilled %s with %,d tasks in %.1f s: %s%n", tag, history.describe(), f.tasks(),
                        f.took().toMillis() / 1000.0, f.byStatus());
            }
            try (Store warm = fresh(o, kind)) {
                System.out.printf(Locale.ROOT, "%swarm-up drain on a third, empty store: %,.0f tasks/s%n", tag,
                        round(o, warm, kind, false));
            }
            List<Double> emptyRates = new ArrayList<>();
            List<Double> fullRates = new ArrayList<>();
            for (int r = 1; r <= o.rounds; r++) {
                // Alternating order (E H, H E, E H, …), so a drift of the machine's load hits both alike.
                boolean emptyFirst = r % 2 == 1;
                for (int k = 0; k < 2; k++) {
                    if ((k == 0) == emptyFirst) {
                        double rate = round(o, empty, kind, r == 1);
                        emptyRates.add(rate);
                        System.out.printf(Locale.ROOT, "%sround %d  empty store:   %,8.0f tasks/s%n", tag, r, rate);
                    } else {
                        double rate = round(o, history, kind, r == 1);
                        fullRates.add(rate);
                        System.out.printf(Locale.ROOT, "%sround %d  %s history: %,8.0f tasks/s%n", tag, r, shortCount(o.history), rate);
                    }
                }
            }
            double me = median(emptyRates);
            double mf = median(fullRates);
            System.out.printf(Locale.ROOT, "%sdrain, median of %d: empty %,.0f tasks/s, with %,d finished tasks %,.0f tasks/s: %+.1f %%"
                            + " (aim: within 10 %%)%n", tag, o.rounds, me, o.history, mf, 100.0 * (mf - me) / me);

            if (o.quietSpell == 0) return;
            // A deployment that ran quietly before the burst: its connections planned the hot
            // statements on the store as it was then, and no ANALYZE comes between.
            List<Double> newRates = new ArrayList<>();
            List<Double> oldRates = new ArrayList<>();
            for (int r = 1; r <= o.rounds; r++) {
                boolean newFirst = r % 2 == 1;
                for (int k = 0; k < 2; k++) {
                    if ((k == 0) == newFirst) {
                        try (Store fresh = fresh(o, kind)) {
                            double rate = afterQuietSpell(o, fresh);
                            newRates.add(rate);
                            System.out.printf(Locale.ROOT, "%sround %d  new store, after a quiet spell:   %,8.0f tasks/s%n", tag, r, rate);
                        }
                    } else {
                        double rate = afterQuietSpell(o, history);
                        oldRates.add(rate);
                        System.out.printf(Locale.ROOT, "%sround %d  %s history, after a quiet spell: %,8.0f tasks/s%n", tag, r,
                                shortCount(o.history), rate);
                    }
                }
            }
            double mn = median(newRates);
            double mo = median(oldRates);
            System.out.printf(Locale.ROOT, "%sdrain after a quiet spell of %d tasks, median of %d: new store %,.0f tasks/s, with %,d finished"
                            + " tasks %,.0f tasks/s: %+.1f %%%n", tag, o.quietSpell, o.rounds, mn, o.history, mo, 100.0 * (mo - mn) / mn);
        }
    }

    /**
     * An engine runs {@code --quiet-spell} tasks one at a time (the queue never longer than one),
     * is stopped, N tasks are queued, and a new engine on the same connection pool drains them:
     * no ANALYZE in between, so the statements run with the plans the quiet spell left.
     */
    private static double afterQuietSpell(Options o, Store store) throws Exception {
        try (Database db = store.open()) {
            Path resources = Path.of(System.getProperty("java.io.tmpdir"));
            EngineConfig cfg = EngineConfig.defaults("worker-drain-history", "bench", "bench", resources).withConcurrency(o.concurrency);
            Engine quiet = EngineBench.newEngine(db, cfg, new NoopExecutor());
            quiet.start();
            try {
                for (int i = 0; i < o.quietSpell; i++) EngineBench.endToEnd(quiet.tasks(), db, 1, 1, EngineBench::noopTask);
            } finally {
                quiet.shutdown(Duration.ofSeconds(10));
            }
            Engine engine = EngineBench.newEngine(db, cfg, new NoopExecutor());
            try {
                EngineBench.submit(engine.tasks(), o.clients, o.tasks, o.batch, EngineBench::noopTask);
                return EngineBench.drainBacklog(db, engine, o.tasks);
            } finally {
                engine.shutdown(Duration.ofSeconds(10));
            }
        }
    }

    /**
     * One drain on {@code store}: N tasks queued with the engine stopped; PostgreSQL's statistics
     * taken then (what autovacuum leaves at a queue's worst moment, as {@link EngineBench} does;
     * SQLite keeps none, as in production); optionally the claim's plan printed; then the engine
     * started on the backlog and timed until no task is open.
     */
    private static double round(Options o, Store store, String kind, boolean printPlan) throws Exception {
        try (Database db = store.open()) {
            Path resources = Path.of(System.getProperty("java.io.tmpdir"));
            EngineConfig cfg = EngineConfig.defaults("worker-drain-history", "bench", "bench", resources).withConcurrency(o.concurrency);
            Engine engine = EngineBench.newEngine(db, cfg, new NoopExecutor());
            try {
                EngineBench.submit(engine.tasks(), o.clients, o.tasks, o.batch, EngineBench::noopTask);
                if (kind.equals("postgres")) EngineBench.analyze(db);
                if (printPlan) printPlan(db, kind, store.describe());
                double rate = EngineBench.drainBacklog(db, engine, o.tasks);
                Map<String, Long> statuses = EngineBench.statusCounts(db);
                long open = statuses.entrySet().stream().filter(e -> List.of("pending", "queued", "running").contains(e.getKey()))
                        .mapToLong(Map.Entry::getValue).sum();
                if (open > 0) throw new IllegalStateException(open + " task(s) still open after the drain: " + statuses);
                return rate;
            } finally {
                engine.shutdown(Duration.ofSeconds(10));
            }
        }
    }

    /**
     * The claim statement's plan with the backlog queued, as the engine runs it (the dialect's
     * settings around it). PostgreSQL: {@code EXPLAIN (ANALYZE, BUFFERS)}, executed inside a
     * savepoint that is rolled back, so the pages it touched are counted; SQLite: {@code EXPLAIN
     * QUERY PLAN}.
     */
    private static void printPlan(Database db, String kind, String where) {
        boolean pg = kind.equals("postgres");
        List<String> rows = db.write(tx -> {
            Connection c = tx.connection();
            List<String> out = new ArrayList<>();
            db.dialect().beforeClaim(c);
            Savepoint sp = pg ? c.setSavepoint() : null;
            try (PreparedStatement ps = c.prepareStatement((pg ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN ")
                    + db.dialect().claimSql(2, "id"))) {
                int i = 1;
                ps.setString(i++, "worker-plan");
                ps.setLong(i++, System.currentTimeMillis());
                ps.setLong(i++, System.currentTimeMillis());
                ps.setLong(i++, System.currentTimeMillis() + 30_000);
                ps.setLong(i++, System.currentTimeMillis()); // a derived start's time and worker
                ps.setString(i++, "worker-plan");
                ps.setString(i++, NoopExecutor.TYPE);
                ps.setString(i++, "shell");
                ps.setInt(i, 64);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(pg ? rs.getString(1) : rs.getString("detail"));
                }
            } finally {
                if (sp != null) c.rollback(sp);
            }
            db.dialect().afterClaim(c);
            return out;
        });
        System.out.println("[" + kind + "] claim plan on " + where + ", " + (pg ? "EXPLAIN (ANALYZE, BUFFERS), rolled back" : "EXPLAIN QUERY PLAN")
                + ":");
        for (String r : rows) System.out.println("    " + r);
        if (pg) {
            db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_size_pretty(pg_relation_size('tasks')),"
                        + " pg_size_pretty(pg_relation_size('ix_tasks_queue')), pg_size_pretty(pg_indexes_size('tasks')),"
                        + " (SELECT reltuples::bigint FROM pg_class WHERE relname = 'tasks')")) {
                    rs.next();
                    System.out.printf(Locale.ROOT, "    (tasks heap %s, ix_tasks_queue %s, all task indexes %s, reltuples %,d)%n",
                            rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4));
                }
                return null;
            });
        }
    }

    private static Store fresh(Options o, String kind) throws Exception {
        if (kind.equals("sqlite")) {
            Path dir = Files.createTempDirectory("coxswain-drain-history-");
            return new Store() {
                @Override
                public Database open() {
                    return Database.sqlite(dir, o.sqliteFullSync);
                }

                @Override
                public String describe() {
                    return "sqlite " + dir.getFileName();
                }

                @Override
                public void close() {
                    RemoteServers.deleteTree(dir);
                }
            };
        }
        String name = "coxswain_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(o.pgUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        String url = EngineBench.withDatabase(o.pgUrl, name);
        return new Store() {
            @Override
            public Database open() {
                return Database.postgres(url, null, null, EngineBench.PG_POOL, EngineBench.PG_WRITERS);
            }

            @Override
            public String describe() {
                return "postgres " + name;
            }

            @Override
            public void close() {
                try (Connection c = DriverManager.getConnection(o.pgUrl); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                } catch (SQLException e) {
                    System.out.println("[postgres] could not drop database " + name + ": " + e.getMessage());
                }
            }
        };
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String shortCount(int n) {
        return n % 1_000_000 == 0 ? (n / 1_000_000) + "M" : n % 1_000 == 0 ? (n / 1_000) + "k" : String.valueOf(n);
    }

    static final class Options {
        static final String USAGE = """
                usage: java -cp 'coxswain-bench/target/coxswain-bench.jar:coxswain-bench/target/lib/*' \\
                         dev.coxswain.bench.DrainHistoryBench [options]
                  --store sqlite|postgres|both   stores (default both)
                  --tasks N                      noop tasks per drain (default 20000)
                  --history N                    finished tasks in the full store (default 1000000)
                  --rounds N                     drains of each store, alternating (default 3)
                  --clients N                    threads enqueuing (default 16)
                  --batch N                      tasks per createAll (default 100)
                  --concurrency N                engine concurrency (default 64)
                  --quiet-spell N                tasks run one at a time before the second series
                                                 of drains (default 300; 0: no second series)
                  --sqlite-sync full|normal      SQLite durability (default full, as the server)
                  --pg-url URL                   admin JDBC URL (default $COXSWAIN_BENCH_PG_URL or %s)
                  --verbose                      keep INFO logging
                """.formatted(EngineBench.DEFAULT_PG_URL);

        List<String> stores = List.of("sqlite", "postgres");
        int tasks = 20_000;
        int history = 1_000_000;
        int rounds = 3;
        int clients = 16;
        int batch = 100;
        int concurrency = 64;
        int quietSpell = 300;
        boolean sqliteFullSync = true;
        String pgUrl;
        boolean verbose;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            String env = System.getenv("COXSWAIN_BENCH_PG_URL");
            o.pgUrl = env == null || env.isBlank() ? EngineBench.DEFAULT_PG_URL : env;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--verbose" -> o.verbose = true;
                    case "--store" -> o.stores = switch (value(args, ++i, a)) {
                        case "sqlite" -> List.of("sqlite");
                        case "postgres" -> List.of("postgres");
                        case "both" -> List.of("sqlite", "postgres");
                        default -> throw new IllegalArgumentException("--store must be sqlite, postgres or both");
                    };
                    case "--tasks" -> o.tasks = positive(args, ++i, a);
                    case "--history" -> o.history = positive(args, ++i, a);
                    case "--rounds" -> o.rounds = positive(args, ++i, a);
                    case "--clients" -> o.clients = positive(args, ++i, a);
                    case "--batch" -> o.batch = positive(args, ++i, a);
                    case "--concurrency" -> o.concurrency = positive(args, ++i, a);
                    case "--quiet-spell" -> {
                        o.quietSpell = Integer.parseInt(value(args, ++i, a));
                        if (o.quietSpell < 0) throw new IllegalArgumentException("--quiet-spell must be 0 or more");
                    }
                    case "--sqlite-sync" -> {
                        String v = value(args, ++i, a);
                        if (!v.equals("full") && !v.equals("normal")) throw new IllegalArgumentException("--sqlite-sync must be full or normal");
                        o.sqliteFullSync = v.equals("full");
                    }
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
            try {
                int n = Integer.parseInt(value(args, i, opt).replace("_", ""));
                if (n < 1) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(opt + " must be a positive integer");
            }
        }
    }
}
