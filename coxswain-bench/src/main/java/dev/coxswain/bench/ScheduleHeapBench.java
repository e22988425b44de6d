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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What active schedules cost in heap. A real engine (started, its firer running) on a fresh
 * store; the heap in use after full GCs is read before and after {@code --schedules} native
 * schedules are created through {@code ScheduleService} (daily, at scattered times: at rest, as most
 * schedules are), and the difference is divided by their number. Then {@code --firing} more
 * schedules that fire every minute, each with its own (second, time zone) pair, run for
 * {@code --minutes}: the heap after each minute shows whether the firer keeps anything per fired
 * schedule or per distinct expression. Class histograms (a full GC each) name what grew.
 */
public final class ScheduleHeapBench {
    private static final int TOP = 8;

    private ScheduleHeapBench() {
    }

    /** Counts fired slots. */
    private static final class Fired implements EngineObserver {
        final AtomicLong slots = new AtomicLong();

        @Override
        public void slotFired(Duration lateness) {
            slots.incrementAndGet();
        }
    }

    public static void main(String[] args) throws Exception {
        int schedules = intArg(args, "--schedules", 100_000);
        int firing = intArg(args, "--firing", 20_000);
        int minutes = intArg(args, "--minutes", 3);
        String stores = stringArg(args, "--store", "both");
        String pgUrl = stringArg(args, "--pg-url", System.getenv().getOrDefault("COXSWAIN_BENCH_PG_URL", EngineBench.DEFAULT_PG_URL));
        Logger.getLogger("").setLevel(Level.WARNING);
        System.out.printf(Locale.ROOT, "Coxswain schedule heap%n  JDK %s, %d cores, heap max %s; %,d schedules at rest (daily, scattered"
                        + " times)%s%n", Runtime.version(), Runtime.getRuntime().availableProcessors(),
                ProcMemory.mib(Runtime.getRuntime().maxMemory()), schedules,
                firing == 0 ? "" : String.format(Locale.ROOT, ", then %,d firing every minute for %d min", firing, minutes));
        if (!stores.equals("postgres")) onSqlite(schedules, firing, minutes);
        if (!stores.equals("sqlite")) onPostgres(pgUrl, schedules, firing, minutes);
    }

    private static void onSqlite(int schedules, int firing, int minutes) throws Exception {
        Path dir = Files.createTempDirectory("coxswain-schedule-heap-");
        try (Database db = Database.sqlite(dir, true)) {
            measure("sqlite", db, dir, schedules, firing, minutes);
        } finally {
            RemoteServers.deleteTree(dir);
        }
    }

    private static void onPostgres(String admin, int schedules, int firing, int minutes) throws Exception {
        String name = "coxswain_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        try (Database db = Database.postgres(EngineBench.withDatabase(admin, name), null, null, EngineBench.PG_POOL,
                EngineBench.PG_WRITERS)) {
            measure("postgres", db, Path.of(System.getProperty("java.io.tmpdir")), schedules, firing, minutes);
        } finally {
            try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                System.out.println("[postgres] could not drop database " + name + ": " + e.getMessage());
            }
        }
    }

    private static void measure(String store, Database db, Path resources, int schedules, int firing, int minutes) throws Exception {
        String tag = "[" + store + "] ";
        Fired fired = new Fired();
        EngineConfig cfg = EngineConfig.defaults("worker-schedule-heap", "bench", "bench", resources).withConcurrency(64);
        Engine engine = new Engine(db, cfg, List.of(new NoopExecutor()), Clock.systemUTC(), ZoneOffset.UTC, new SplittableRandom(1),
                fired, WebhookSettings.defaults());
        engine.start();
        try {
            Thread.sleep(3_000);
            // Every reading and every histogram is taken while exactly one earlier histogram is
            // held (one string of ~150 KB), so their own size cancels out.
            HeapHistogram first0 = HeapHistogram.take();
            HeapHistogram h0 = HeapHistogram.take();
            first0 = null;
            long base = usedAfterGc();
            System.out.printf(Locale.ROOT, "%sengine started, no schedules: heap in use %s (histogram %s)%n", tag, mb(base),
                    mb(h0.totalBytes()));

            // At rest: daily at a scattered minute (1,440 distinct expressions), so only ~12 are due
            // in any 10 s, as with most real schedules. The minute is computed from i, so the
            // benchmark holds nothing per schedule itself.
            double took = load(engine, schedules, i -> {
                int minute = (int) (i * 2_654_435_761L % (24 * 60));
                return schedule("daily-" + i, (minute % 60) + " " + (minute / 60) + " * * *", "UTC");
            });
            System.out.printf(Locale.ROOT, "%screated %,d daily schedules in %.1f s (%,.0f/s); %,d active in the store%n", tag, schedules,
                    took, schedules / took, activeSchedules(db));
            Thread.sleep(12_000); // two reloads of the firer's timer
            long atRest = usedAfterGc();
            HeapHistogram h1 = HeapHistogram.take();
            long h0Bytes = h0.totalBytes();
            System.out.printf(Locale.ROOT, "%sheap in use with them: %s: %+,d bytes, %.1f bytes per schedule, %.2f MiB per 100,000"
                            + " (histogram %+,d bytes)%n", tag, mb(atRest), atRest - base, (atRest - base) / (double) schedules,
                    (atRest - base) / (double) schedules * 100_000 / (1024 * 1024), h1.totalBytes() - h0Bytes);
            printGrowth(tag, h1, h0);
            h0 = null;
            if (firing == 0) return;

            // Firing: every minute at second i % 60, each in a time zone of its own turn, so the
            // (expression, zone) pairs outnumber the firer's parsed-expression cache.
            List<String> zones = ZoneId.getAvailableZoneIds().stream().filter(z -> z.contains("/")).sorted().toList();
            long slots0 = fired.slots.get();
            took = load(engine, firing, i -> schedule("minutely-" + i, (i % 60) + " * * * * *", zones.get(i / 60 % zones.size())));
            long distinct = Math.min(firing, 60L * zones.size());
            System.out.printf(Locale.ROOT, "%screated %,d schedules firing every minute (%,d distinct expression/zone pairs) in %.1f s%n",
                    tag, firing, distinct, took);
            HeapHistogram prev = h1;
            h1 = null;
            long first = -1;
            for (int m = 1; m <= minutes; m++) {
                Thread.sleep(60_000);
                long used = usedAfterGc();
                HeapHistogram h = HeapHistogram.take();
                if (first < 0) first = used;
                long cron = h.instancesOf("dev.coxswain.core.schedule.CronExpression");
                System.out.printf(Locale.ROOT, "%sminute %d: %,d slots fired so far, heap in use %s (%+,d bytes since minute 1),"
                                + " %,d parsed expressions live%n", tag, m, fired.slots.get() - slots0, mb(used), used - first, cron);
                if (m == minutes) printGrowth(tag, h, prev);
                prev = h;
            }
        } finally {
            engine.shutdown(Duration.ofSeconds(10));
        }
    }

    private static void printGrowth(String tag, HeapHistogram now, HeapHistogram before) {
        for (HeapHistogram.Entry e : now.grownSince(before, TOP)) {
            System.out.printf(Locale.ROOT, "%s    %+,12d bytes %+,10d x %s%n", tag, e.bytes(), e.instances(), e.className());
        }
    }

    private static NewSchedule schedule(String name, String cron, String zone) {
        return new NewSchedule("native", name, null, cron, zone, NoopExecutor.TYPE, Json.object(), 5, List.of(), 0, "exponential", 60,
                MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW, false);
    }

    /** Creates {@code n} schedules from 16 threads, as concurrent API clients would; returns seconds. */
    private static double load(Engine engine, int n, IntFunction<NewSchedule> make) throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> fs = new ArrayList<>();
            int per = (n + 15) / 16;
            for (int t = 0; t < 16; t++) {
                int from = t * per;
                int to = Math.min(n, from + per);
                fs.add(pool.submit(() -> {
                    for (int i = from; i < to; i++) engine.schedules().create(make.apply(i));
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdown();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long activeSchedules(Database db) {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM schedules WHERE status = 'active'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Heap in use after full collections (several, until it stops falling). */
    static long usedAfterGc() throws InterruptedException {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= last) return Math.min(used, last);
            last = used;
        }
        return last;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1].replace("_", ""));
        return dflt;
    }

    private static String stringArg(String[] args, String name, String dflt) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
        return dflt;
    }
}
