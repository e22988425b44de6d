package dev.coxswain.bench;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.exec.ShellExecutor;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The engine benchmark: a real {@link Engine} on a real store (SQLite in a fresh temp directory,
 * PostgreSQL in a freshly created database), measured from the outside the way clients see it.
 * It prints figures; nothing here asserts on speed. See {@code coxswain-bench/README.md}.
 */
public final class EngineBench {
    static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
    /** A phase whose open-task count has not moved for this long is reported as stuck. */
    private static final Duration STUCK_AFTER = Duration.ofSeconds(30);
    /** How often "are all tasks finished?" is asked of the store. */
    private static final long POLL_MILLIS = 5;
    /** Pause before each latency sample so the engine is idle (its loops asleep on their signals). */
    private static final long IDLE_GAP_MILLIS = 10;
    private static final int LATENCY_WARMUP = 20;
    /** The server's PostgreSQL pool (CoxswainServer): 10 connections plus 2 group-commit writers. */
    static final int PG_POOL = 10;
    static final int PG_WRITERS = 2;

    private EngineBench() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("engine-bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        quietLogging(o.verbose);
        printHeader(o);
        List<Figures> all = new ArrayList<>();
        if (o.sqlite) all.add(runSqlite(o));
        if (o.postgres) all.add(runPostgres(o));
        printTable(o, all);
        boolean problems = all.stream().anyMatch(f -> !f.problems.isEmpty());
        if (problems) System.exit(1);
    }

    // ---- stores ----------------------------------------------------------------------------

    private static Figures runSqlite(Options o) throws Exception {
        Path dir = Files.createTempDirectory("coxswain-bench-");
        try {
            Database db = Database.sqlite(dir, o.sqliteFullSync);
            try {
                return runStore(new Figures("sqlite"), db, dir, o);
            } finally {
                db.close();
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static Figures runPostgres(Options o) throws Exception {
        String admin = o.pgUrl;
        String name = "coxswain_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            String why = "PostgreSQL skipped: not reachable at " + redact(admin) + " (" + e.getMessage() + ")";
            System.out.println();
            System.out.println("[postgres] " + why);
            Figures f = new Figures("postgres");
            f.skipped = why;
            return f;
        }
        System.out.println();
        System.out.println("[postgres] created database " + name);
        try {
            Database db = Database.postgres(withDatabase(admin, name), null, null, PG_POOL, PG_WRITERS);
            try {
                return runStore(new Figures("postgres"), db, Path.of(System.getProperty("java.io.tmpdir")), o);
            } finally {
                db.close();
            }
        } finally {
            try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                System.out.println("[postgres] dropped database " + name);
            } catch (SQLException e) {
                System.out.println("[postgres] could not drop database " + name + ": " + e.getMessage());
            }
        }
    }

    // ---- the measured run on one store -------------------------------------------------------

    private static Figures runStore(Figures f, Database db, Path resources, Options o) {
        String s = f.store;
        if (!s.equals("postgres")) System.out.println();
        System.out.println("[" + s + "] " + db.description());
        int n = o.tasks;
        int warm = Math.max(100, Math.min(2_000, n / 10));
        NoopExecutor noop = new NoopExecutor();

        EngineConfig noopCfg = EngineConfig.defaults("worker-bench-noop", "bench", "bench", resources)
                .withConcurrency(o.noopConcurrency);
        Engine engine = newEngine(db, noopCfg, noop);
        try {
            TaskService svc = engine.tasks();

            // 1. Enqueue, engine not started: only the create path is measured.
            phase(f, s, "warm-up: enqueue " + fmt(warm) + " + " + fmt(warm) + " (batched)", () -> {
                submit(svc, o.clients, warm, 1, EngineBench::noopTask);
                submit(svc, o.clients, warm, o.batch, EngineBench::noopTask);
                return Double.NaN;
            });
            f.enqueueOne = phase(f, s, "1a enqueue " + fmt(n) + " noop tasks, create() one by one, "
                    + o.clients + " client threads", () -> rate(n, submit(svc, o.clients, n, 1, EngineBench::noopTask)));
            f.enqueueBatch = phase(f, s, "1b enqueue " + fmt(n) + " noop tasks, createAll(" + o.batch + "), "
                    + o.clients + " client threads", () -> rate(n, submit(svc, o.clients, n, o.batch, EngineBench::noopTask)));

            // Statistics as autovacuum would leave them at the worst moment: taken while every task
            // is queued and none runs. (Plans that depended on when autovacuum happened to run made
            // the PostgreSQL drain vary from ~450 to ~4,700 tasks/s before schema V6.)
            analyze(db);
            // Start the engine on the backlog the enqueue phases left: dispatch + complete only.
            int backlog = 2 * warm + 2 * n;
            f.drain = phase(f, s, "   drain the backlog of " + fmt(backlog) + " queued noop tasks (concurrency "
                    + o.noopConcurrency + ")", () -> drainBacklog(db, engine, backlog));

            // 2. End to end with the engine running while clients submit.
            phase(f, s, "warm-up: end-to-end " + fmt(warm) + " noop tasks", () ->
                    endToEnd(svc, db, o.clients, warm, EngineBench::noopTask));
            f.endToEnd = phase(f, s, "2  end-to-end " + fmt(n) + " noop tasks, " + o.clients + " clients, concurrency "
                    + o.noopConcurrency, () -> endToEnd(svc, db, o.clients, n, EngineBench::noopTask));

            // 4. Idle dispatch latency, one task at a time.
            phase(f, s, "warm-up: " + LATENCY_WARMUP + " latency samples", () -> {
                latency(svc, noop, LATENCY_WARMUP);
                return Double.NaN;
            });
            phase(f, s, "4  idle dispatch latency, " + o.latencySamples + " samples", () -> {
                Latency l = latency(svc, noop, o.latencySamples);
                f.latency = l;
                return Double.NaN;
            });
        } catch (Abort a) {
            // already recorded as a problem; fall through to shutdown
        } finally {
            engine.shutdown(Duration.ofSeconds(10));
        }

        // 3. Shell tasks on an engine with the default concurrency (2 × cores), as the server runs.
        if (f.problems.isEmpty()) {
            EngineConfig shellCfg = EngineConfig.defaults("worker-bench-shell", "bench", "bench", resources);
            f.shellConcurrency = shellCfg.concurrency();
            Engine shell = newEngine(db, shellCfg, noop);
            try {
                shell.start();
                TaskService svc = shell.tasks();
                int shellWarm = Math.max(1, Math.min(100, o.shellTasks / 10));
                phase(f, s, "warm-up: end-to-end " + fmt(shellWarm) + " shell tasks", () ->
                        endToEnd(svc, db, o.clients, shellWarm, EngineBench::shellTask));
                f.shell = phase(f, s, "3  end-to-end " + fmt(o.shellTasks) + " shell tasks `sh -c true`, " + o.clients
                        + " clients, concurrency " + shellCfg.concurrency(),
                        () -> endToEnd(svc, db, o.clients, o.shellTasks, EngineBench::shellTask));
            } catch (Abort a) {
                // recorded
            } finally {
                shell.shutdown(Duration.ofSeconds(10));
            }
        }

        Map<String, Long> statuses = statusCounts(db);
        System.out.println("[" + s + "] final task statuses: " + statuses);
        long notCompleted = statuses.entrySet().stream().filter(e -> !e.getKey().equals("completed"))
                .mapToLong(Map.Entry::getValue).sum();
        if (notCompleted > 0) f.problems.add(notCompleted + " task(s) did not complete: " + statuses);
        return f;
    }

    /**
     * Starts the engine (built but not started) on {@code backlog} queued tasks: tasks per second
     * from the start until the store shows none pending, queued or running.
     */
    static double drainBacklog(Database db, Engine engine, int backlog) throws Exception {
        long t0 = System.nanoTime();
        engine.start();
        return rate(backlog, new Timing(t0, awaitDrained(db, t0)));
    }

    static Engine newEngine(Database db, EngineConfig cfg, NoopExecutor noop) {
        return new Engine(db, cfg, List.of(noop, new ShellExecutor()), Clock.systemUTC(), ZoneId.systemDefault(),
                new SplittableRandom());
    }

    private interface Phase {
        double run() throws Exception;
    }

    /** Thrown after a failed phase has been recorded, to skip the rest of that engine's phases. */
    private static final class Abort extends RuntimeException {
        Abort() {
            super(null, null, false, false);
        }
    }

    /** Runs one phase, prints its line, records a failure as a problem. */
    private static double phase(Figures f, String store, String what, Phase p) {
        System.out.print("[" + store + "] " + what + " … ");
        System.out.flush();
        long t0 = System.nanoTime();
        try {
            double r = p.run();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.println(Double.isNaN(r) ? String.format(Locale.ROOT, "done (%.2f s)", secs)
                    : String.format(Locale.ROOT, "%s tasks/s (%.2f s)", fmt(r), secs));
            return r;
        } catch (Exception e) {
            String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
            System.out.println("FAILED — " + msg);
            f.problems.add(what.trim() + ": " + msg);
            throw new Abort();
        }
    }

    // ---- workloads -------------------------------------------------------------------------

    static NewTask noopTask(int i) {
        return new NewTask(NoopExecutor.TYPE, "bench-noop-" + i, null, Json.object(), 5, 0, Backoff.EXPONENTIAL,
                null, 3600, List.of(), List.of(), false, "bench", null);
    }

    static NewTask shellTask(int i) {
        return new NewTask("shell", "bench-shell-" + i, null, Json.object().put("command", "true"), 5, 0,
                Backoff.EXPONENTIAL, null, 3600, List.of(), List.of(), false, "bench", null);
    }

    /** When a group of submissions started and ended ({@link System#nanoTime()}). */
    record Timing(long start, long end) {
    }

    /**
     * Creates {@code n} tasks from {@code clients} threads, each taking the next {@code batch}
     * (1 = {@link TaskService#create}, more = {@link TaskService#createAll}) until none are left,
     * like a load generator driving concurrent HTTP clients. Timing starts when all threads are
     * ready and ends when the last call has returned.
     */
    static Timing submit(TaskService svc, int clients, int n, int batch, IntFunction<NewTask> make) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().name("bench-client-" + c).start(() -> {
                try {
                    go.await();
                    while (error.get() == null) {
                        int from = next.getAndAdd(batch);
                        if (from >= n) break;
                        int to = Math.min(n, from + batch);
                        if (batch == 1) {
                            svc.create(make.apply(from));
                        } else {
                            List<NewTask> list = new ArrayList<>(to - from);
                            for (int i = from; i < to; i++) list.add(make.apply(i));
                            svc.createAll(list);
                        }
                    }
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                }
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) t.join();
        long end = System.nanoTime();
        if (error.get() != null) throw new IllegalStateException("a client failed: " + error.get(), error.get());
        return new Timing(start, end);
    }

    /** Submits {@code n} tasks with the engine running; from the first submit until all are finished. */
    static double endToEnd(TaskService svc, Database db, int clients, int n, IntFunction<NewTask> make) throws Exception {
        long open = countOpen(db);
        if (open != 0) throw new IllegalStateException(open + " tasks still open before the phase");
        Timing sub = submit(svc, clients, n, 1, make);
        return rate(n, new Timing(sub.start(), awaitDrained(db, sub.start())));
    }

    /**
     * Waits until no task is pending, queued or running (read from the store, so "finished" means
     * the completion is committed), looking every {@value #POLL_MILLIS} ms with a cheap EXISTS;
     * the full count, for progress and the stuck check, runs once a second. (Counting every 5 ms
     * cost PostgreSQL ~8 ms of CPU each time on a 2-core machine, which the engine then lacked.)
     *
     * @return the {@link System#nanoTime()} at which that was seen
     */
    static long awaitDrained(Database db, long since) throws Exception {
        long last = -1;
        long lastChange = System.nanoTime();
        long lastCount = 0;
        while (true) {
            if (!anyOpen(db)) return System.nanoTime();
            long now = System.nanoTime();
            if (now - lastCount >= 1_000_000_000L) {
                lastCount = now;
                long open = countOpen(db);
                if (open != last) {
                    last = open;
                    lastChange = now;
                } else if (now - lastChange > STUCK_AFTER.toNanos()) {
                    throw new TimeoutException("stuck: " + open + " task(s) unfinished and no progress for "
                            + STUCK_AFTER.toSeconds() + " s (" + String.format(Locale.ROOT, "%.1f", (now - since) / 1e9)
                            + " s into the phase); statuses " + statusCounts(db));
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Percentiles of one latency run, in milliseconds. */
    record Latency(double p50, double p99, double max, double createP50, double createP99) {
    }

    /**
     * One noop task at a time with the engine idle: the time from create() returning (the task is
     * committed and queued) until its executor starts. Each sample waits for the task to finish
     * and then a short gap, so every submit meets an idle engine.
     */
    static Latency latency(TaskService svc, NoopExecutor noop, int samples) throws Exception {
        long[] dispatch = new long[samples];
        long[] create = new long[samples];
        noop.track(true);
        try {
            for (int i = 0; i < samples; i++) {
                Thread.sleep(IDLE_GAP_MILLIS);
                long before = System.nanoTime();
                Task t = svc.create(noopTask(i));
                long returned = System.nanoTime();
                long started = noop.awaitStart(t.id(), Duration.ofSeconds(30));
                dispatch[i] = started - returned;
                create[i] = returned - before;
                awaitFinished(svc, t.id());
            }
        } finally {
            noop.track(false);
        }
        Arrays.sort(dispatch);
        Arrays.sort(create);
        return new Latency(ms(pct(dispatch, 50)), ms(pct(dispatch, 99)), ms(dispatch[samples - 1]),
                ms(pct(create, 50)), ms(pct(create, 99)));
    }

    private static void awaitFinished(TaskService svc, long id) throws Exception {
        long deadline = System.nanoTime() + STUCK_AFTER.toNanos();
        while (!svc.get(id).status().terminal()) {
            if (System.nanoTime() > deadline) throw new TimeoutException("task-" + id + " did not finish");
            Thread.sleep(1);
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static long pct(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double rate(int n, Timing t) {
        return n / ((t.end() - t.start()) / 1e9);
    }

    // ---- store queries ---------------------------------------------------------------------

    static void analyze(Database db) {
        db.write(tx -> {
            try (Statement st = tx.connection().createStatement()) {
                st.execute("ANALYZE");
            }
            return null;
        });
    }

    /** One EXISTS per status, so each is answered from an index rather than a scan of every task. */
    static boolean anyOpen(Database db) {
        return db.read(c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM tasks WHERE status = 'queued')"
                         + " OR EXISTS (SELECT 1 FROM tasks WHERE status = 'running')"
                         + " OR EXISTS (SELECT 1 FROM tasks WHERE status = 'pending')")) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }

    static long countOpen(Database db) {
        return db.read(c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM tasks WHERE status IN ('pending', 'queued', 'running')")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static Map<String, Long> statusCounts(Database db) {
        return db.read(c -> {
            Map<String, Long> out = new LinkedHashMap<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM tasks GROUP BY status ORDER BY status")) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        });
    }

    // ---- output ----------------------------------------------------------------------------

    private static void printHeader(Options o) {
        Runtime.Version v = Runtime.version();
        System.out.println("Coxswain engine benchmark");
        row("JDK", v + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor") + ")");
        row("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        row("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        row("stores", (o.sqlite ? "sqlite" : "") + (o.sqlite && o.postgres ? ", " : "") + (o.postgres ? "postgres" : ""));
        row("N", fmt(o.tasks) + " noop tasks per phase; " + fmt(o.shellTasks) + " shell tasks; "
                + o.latencySamples + " latency samples");
        row("clients", o.clients + " threads; createAll batches of " + o.batch);
        row("engine", "noop concurrency " + o.noopConcurrency + "; shell concurrency "
                + 2 * Runtime.getRuntime().availableProcessors() + " (default, 2 × cores)");
        if (o.sqlite) row("sqlite", "temp dir, WAL, synchronous=" + (o.sqliteFullSync ? "FULL (server default)" : "NORMAL"));
        if (o.postgres) row("postgres", redact(o.pgUrl) + ", fresh database, pool " + PG_POOL + " + " + PG_WRITERS + " writers");
    }

    private static void row(String k, String v) {
        System.out.printf(Locale.ROOT, "  %-9s %s%n", k, v);
    }

    private static void printTable(Options o, List<Figures> all) {
        System.out.println();
        System.out.println("Results (rates in tasks/s, higher is better; latencies in ms, lower is better)");
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[all.size() + 2];
        head[0] = "figure";
        for (int i = 0; i < all.size(); i++) head[i + 1] = all.get(i).store;
        head[all.size() + 1] = "target";
        rows.add(head);
        int shellC = all.stream().mapToInt(f -> f.shellConcurrency).filter(c -> c > 0).findFirst()
                .orElse(2 * Runtime.getRuntime().availableProcessors());
        rows.add(line(all, "1a enqueue, create() × " + o.clients + " clients", f -> rateCell(f.enqueueOne), ""));
        rows.add(line(all, "1b enqueue, createAll(" + o.batch + ") × " + o.clients + " clients", f -> rateCell(f.enqueueBatch), ""));
        rows.add(line(all, "   backlog drain, queued → completed (c=" + o.noopConcurrency + ")", f -> rateCell(f.drain), ""));
        rows.add(line(all, "2  end-to-end noop (c=" + o.noopConcurrency + ")", f -> rateCell(f.endToEnd),
                "≥15k sqlite, ≥10k pg"));
        rows.add(line(all, "3  end-to-end shell `sh -c true` (c=" + shellC + ")", f -> rateCell(f.shell), ""));
        rows.add(line(all, "4  idle dispatch latency p50", f -> f.latency == null ? "—" : msCell(f.latency.p50()), ""));
        rows.add(line(all, "   idle dispatch latency p99", f -> f.latency == null ? "—" : msCell(f.latency.p99()), "≤ 5 ms"));
        rows.add(line(all, "   idle dispatch latency max", f -> f.latency == null ? "—" : msCell(f.latency.max()), ""));
        rows.add(line(all, "   create() call p50 / p99 (idle)", f -> f.latency == null ? "—"
                : msCell(f.latency.createP50()) + " / " + msCell(f.latency.createP99()), ""));
        int[] w = new int[head.length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        for (int ri = 0; ri < rows.size(); ri++) {
            String[] r = rows.get(ri);
            StringBuilder sb = new StringBuilder("  ");
            for (int i = 0; i < r.length; i++) {
                if (i == 0) sb.append(pad(r[i], w[i], false));
                else sb.append("   ").append(pad(r[i], w[i], i < r.length - 1));
            }
            System.out.println(sb.toString().stripTrailing());
            if (ri == 0) System.out.println("  " + "-".repeat(Arrays.stream(w).sum() + 3 * (w.length - 1)));
        }
        for (Figures f : all) {
            if (f.skipped != null) System.out.println("  " + f.store + ": " + f.skipped);
            for (String p : f.problems) System.out.println("  " + f.store + " PROBLEM: " + p);
        }
    }

    private static String[] line(List<Figures> all, String label, java.util.function.Function<Figures, String> cell, String target) {
        String[] r = new String[all.size() + 2];
        r[0] = label;
        for (int i = 0; i < all.size(); i++) r[i + 1] = all.get(i).skipped != null ? "skipped" : cell.apply(all.get(i));
        r[all.size() + 1] = target;
        return r;
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return right ? fill + s : s + fill;
    }

    private static String rateCell(double r) {
        return Double.isNaN(r) ? "—" : fmt(r);
    }

    private static String msCell(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static void quietLogging(boolean verbose) {
        if (verbose) return;
        // The engine and the pool log their lifecycle at INFO; the figures are what matters here.
        Logger.getLogger("").setLevel(Level.WARNING);
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** The URL without its query string, which may hold a password. */
    static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** {@code admin} with its database name replaced by {@code db}. */
    static String withDatabase(String admin, String db) {
        int scheme = admin.indexOf("//");
        int slash = admin.indexOf('/', scheme + 2);
        int q = admin.indexOf('?', slash < 0 ? scheme + 2 : slash);
        String head = slash < 0 ? (q < 0 ? admin : admin.substring(0, q)) : admin.substring(0, slash);
        String query = q < 0 ? "" : admin.substring(q);
        return head + "/" + db + query;
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** What one store measured; NaN / null where a phase did not run. */
    static final class Figures {
        final String store;
        double enqueueOne = Double.NaN;
        double enqueueBatch = Double.NaN;
        double drain = Double.NaN;
        double endToEnd = Double.NaN;
        double shell = Double.NaN;
        int shellConcurrency;
        Latency latency;
        String skipped;
        final List<String> problems = new ArrayList<>();

        Figures(String store) {
            this.store = store;
        }
    }

    static final class Options {
        static final String USAGE = """
                usage: java -jar coxswain-bench.jar [options]
                  --store sqlite|postgres|both   stores to measure (default both)
                  --tasks N                      noop tasks per throughput phase (default 20000)
                  --shell-tasks N                `sh -c true` shell tasks (default 2000)
                  --latency-samples N            idle dispatch latency samples (default 200)
                  --clients N                    client threads submitting (default 16)
                  --noop-concurrency N           engine concurrency for noop phases (default 64)
                  --batch N                      tasks per createAll call (default 100)
                  --sqlite-sync full|normal      SQLite durability (default full, as the server)
                  --pg-url URL                   admin JDBC URL to create the bench database from
                                                 (default $COXSWAIN_BENCH_PG_URL or %s)
                  --verbose                      keep the engine's INFO logging
                """.formatted(DEFAULT_PG_URL);

        int tasks = 20_000;
        int shellTasks = 2_000;
        int latencySamples = 200;
        int clients = 16;
        int noopConcurrency = 64;
        int batch = 100;
        boolean sqlite = true;
        boolean postgres = true;
        boolean sqliteFullSync = true;
        String pgUrl;
        boolean verbose;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            String env = System.getenv("COXSWAIN_BENCH_PG_URL");
            o.pgUrl = env == null || env.isBlank() ? DEFAULT_PG_URL : env;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--verbose" -> o.verbose = true;
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
                    case "--shell-tasks" -> o.shellTasks = positive(args, ++i, a);
                    case "--latency-samples" -> o.latencySamples = positive(args, ++i, a);
                    case "--clients" -> o.clients = positive(args, ++i, a);
                    case "--noop-concurrency" -> o.noopConcurrency = positive(args, ++i, a);
                    case "--batch" -> o.batch = positive(args, ++i, a);
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
