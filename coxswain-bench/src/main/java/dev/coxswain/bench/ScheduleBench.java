package dev.coxswain.bench;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.webhook.WebhookSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The schedule benchmark: a real engine on each store (SQLite in a temp directory, PostgreSQL in
 * a freshly created database) with {@code --schedules} active schedules loaded (default
 * 100,000), of which {@code --every-second} (default 1,000) fire every second — all of them due
 * at the same instant, the start of each second — and the rest once a day at random times. It
 * runs for {@code --seconds} (default 30) and prints the fire lateness (slot time → the
 * transaction that created its run committed, as the firer sees it) p50/p99/max, the runs fired,
 * how long loading took, and the heap in use with everything loaded. The runs are claimed and
 * completed by the same engine meanwhile (a no-op executor). Figures only; nothing asserts on
 * speed.
 *
 * <pre>java -cp coxswain-bench/target/coxswain-bench.jar dev.coxswain.bench.ScheduleBench [--schedules N]
 *      [--every-second N] [--seconds N] [--store sqlite|postgres|both] [--sqlite-sync full|normal]
 *      [--pg-url URL]</pre>
 */
public final class ScheduleBench {
    private ScheduleBench() {
    }

    /** Collects lateness samples (nanoseconds) from the engine's observer. */
    static final class Lateness implements EngineObserver {
        private final long[] samples;
        private final AtomicInteger n = new AtomicInteger();
        volatile boolean recording;

        Lateness(int capacity) {
            samples = new long[capacity];
        }

        @Override
        public void slotFired(Duration lateness) {
            if (!recording) return;
            int i = n.getAndIncrement();
            if (i < samples.length) samples[i] = lateness.toNanos();
        }

        long[] sorted() {
            long[] s = Arrays.copyOf(samples, Math.min(n.get(), samples.length));
            Arrays.sort(s);
            return s;
        }
    }

    public static void main(String[] args) throws Exception {
        int schedules = intArg(args, "--schedules", 100_000);
        int everySecond = intArg(args, "--every-second", 1_000);
        int seconds = intArg(args, "--seconds", 30);
        Logger.getLogger("").setLevel(Level.WARNING);
        System.out.printf(Locale.ROOT, "Coxswain schedule benchmark%n  JDK %s, %d cores%n"
                        + "  %,d schedules (%,d every second, the rest daily), %d s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), schedules, everySecond, seconds);
        eachStore(args, (store, db, dir) -> run(store, db, dir, schedules, everySecond, seconds));
    }

    /** What a benchmark does on one store. */
    interface OnStore {
        void run(String store, Database db, Path dir) throws Exception;
    }

    /**
     * Runs {@code body} on the stores {@code --store} names (default both): SQLite in a temp
     * directory ({@code --sqlite-sync full|normal}, default full as the server), PostgreSQL in a
     * freshly created database dropped afterwards ({@code --pg-url}, default
     * {@code $COXSWAIN_BENCH_PG_URL} or the local server), with the server's pool (10 + 2 writers).
     */
    static void eachStore(String[] args, OnStore body) throws Exception {
        String store = stringArg(args, "--store", "both");
        boolean fullSync = !stringArg(args, "--sqlite-sync", "full").equals("normal");
        String env = System.getenv("COXSWAIN_BENCH_PG_URL");
        String pgUrl = stringArg(args, "--pg-url", env == null || env.isBlank() ? EngineBench.DEFAULT_PG_URL : env);
        if (!store.equals("postgres")) {
            Path dir = Files.createTempDirectory("coxswain-schedule-bench");
            try (Database db = Database.sqlite(dir, fullSync)) {
                body.run("sqlite (synchronous=" + (fullSync ? "FULL" : "NORMAL") + ")", db, dir);
            } finally {
                RemoteServers.deleteTree(dir);
            }
        }
        if (!store.equals("sqlite")) onPostgres(pgUrl, body);
    }

    private static void onPostgres(String admin, OnStore body) throws Exception {
        String name = "coxswain_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            System.out.println("\n[postgres] skipped: not reachable at " + EngineBench.redact(admin) + " (" + e.getMessage() + ")");
            return;
        }
        Path dir = Files.createTempDirectory("coxswain-schedule-bench");
        try (Database db = Database.postgres(EngineBench.withDatabase(admin, name), null, null, 10, 2)) {
            body.run("postgres", db, dir);
        } finally {
            try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
            RemoteServers.deleteTree(dir);
        }
    }

    private static void run(String store, Database db, Path dir, int schedules, int everySecond, int seconds)
            throws Exception {
        System.out.printf(Locale.ROOT, "%n[%s]%n", store);
        Lateness lateness = new Lateness(everySecond * (seconds + 5));
        EngineConfig cfg = EngineConfig.defaults("worker-bench", "bench", "bench", dir).withConcurrency(64);
        Engine engine = new Engine(db, cfg, List.of(new NoopExecutor()), Clock.systemUTC(), ZoneOffset.UTC,
                new SplittableRandom(1), lateness, WebhookSettings.defaults());
        long t0 = System.nanoTime();
        load(engine, schedules, everySecond);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "loaded %,d schedules in %.1f s (%,.0f/s)%n", schedules, loadSeconds, schedules / loadSeconds);

        engine.start();
        Thread.sleep(3_000); // the first slots, the timer's first loads and the JIT settle
        lateness.recording = true;
        Thread.sleep(seconds * 1000L);
        lateness.recording = false;
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        engine.shutdown(Duration.ofSeconds(5));

        long[] s = lateness.sorted();
        System.out.printf(Locale.ROOT, "fired %,d runs in %d s (%,.0f/s)%n", s.length, seconds, s.length / (double) seconds);
        System.out.printf(Locale.ROOT, "fire lateness (slot -> run committed): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                pct(s, 0.50), pct(s, 0.99), s.length == 0 ? 0 : s[s.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "heap in use after GC with everything loaded: %.0f MiB%n", heap / (1024.0 * 1024));
    }

    /** Creates the schedules from 16 client threads, as concurrent API clients would. */
    static void load(Engine engine, int total, int everySecond) throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        List<String> crons = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            crons.add(i < everySecond ? "* * * * * *" : rnd.nextInt(60) + " " + rnd.nextInt(24) + " * * *");
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> fs = new ArrayList<>();
            int per = (total + 15) / 16;
            for (int t = 0; t < 16; t++) {
                int from = t * per, to = Math.min(total, from + per);
                fs.add(pool.submit(() -> {
                    for (int i = from; i < to; i++) {
                        engine.schedules().create(new NewSchedule("native", "s-" + i, null, crons.get(i), "UTC",
                                NoopExecutor.TYPE, Json.object(), 5, List.of(), 0, "exponential", 60,
                                MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW, false));
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdown();
        }
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    static int intArg(String[] args, String name, int dflt) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(dflt)));
    }

    static String stringArg(String[] args, String name, String dflt) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
        return dflt;
    }
}
