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
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The schedule benchmark: a real engine on SQLite with {@code --schedules} active schedules
 * loaded (default 100,000), of which {@code --every-second} (default 1,000) fire every second and
 * the rest once a day at random times. It runs for {@code --seconds} (default 30) and prints the
 * fire lateness (slot time → its run committed) p50/p99/max, the runs fired, how long loading
 * took, and the heap in use with everything loaded. Figures only; nothing asserts on speed.
 *
 * <pre>java -cp coxswain-bench/target/coxswain-bench.jar dev.coxswain.bench.ScheduleBench [--schedules N]
 *      [--every-second N] [--seconds N]</pre>
 */
public final class ScheduleBench {
    private ScheduleBench() {
    }

    /** Collects lateness samples (nanoseconds) from the engine's observer. */
    static final class Lateness implements EngineObserver {
        private final long[] samples;
        private final AtomicInteger n = new AtomicInteger();
        private volatile boolean recording;

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
        Path dir = Files.createTempDirectory("coxswain-schedule-bench");
        System.out.printf(Locale.ROOT, "Coxswain schedule benchmark%n  JDK %s, %d cores, SQLite in %s%n"
                        + "  %,d schedules (%,d every second, the rest daily), %d s%n%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), dir, schedules, everySecond, seconds);
        Lateness lateness = new Lateness(everySecond * (seconds + 5));
        try (Database db = Database.sqlite(dir, false)) {
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
            System.out.printf(Locale.ROOT, "%nfired %,d runs in %d s (%,.0f/s)%n", s.length, seconds, s.length / (double) seconds);
            System.out.printf(Locale.ROOT, "fire lateness (slot -> run committed): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    pct(s, 0.50), pct(s, 0.99), s.length == 0 ? 0 : s[s.length - 1] / 1e6);
            System.out.printf(Locale.ROOT, "heap in use after GC with everything loaded: %.0f MiB%n", heap / (1024.0 * 1024));
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Creates the schedules from 16 client threads, as concurrent API clients would. */
    private static void load(Engine engine, int total, int everySecond) throws Exception {
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

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        return dflt;
    }
}
