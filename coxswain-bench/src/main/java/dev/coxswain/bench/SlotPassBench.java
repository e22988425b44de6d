package dev.coxswain.bench;

import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.webhook.WebhookSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The schedule firing pass alone, on each store: {@code --schedules} (default 1,000) schedules
 * due every second, and an engine that is never started. Its firer is driven pass by pass by a
 * clock that jumps to each slot and runs on in real time from there, so each pass fires every
 * schedule at the instant it is due with nothing else running — no dispatch of the runs, no
 * timer wake-up, no other process of the engine. The figure is {@link ScheduleBench}'s fire
 * lateness (slot → the commit of its run, as the firer sees it) without those: what the pass
 * itself costs. It prints p50, p90 and max of the {@code --passes} passes (default 40) after
 * {@code --warmup} (default 20, the JIT's). Options of {@link ScheduleBench#eachStore} choose
 * the stores.
 *
 * <pre>java -cp coxswain-bench/target/coxswain-bench.jar dev.coxswain.bench.SlotPassBench [--schedules N]
 *      [--passes N] [--warmup N] [--store sqlite|postgres|both] [--sqlite-sync full|normal] [--pg-url URL]</pre>
 */
public final class SlotPassBench {
    static final Instant FIRST_SLOT = Instant.parse("2030-01-01T00:00:00Z");

    private SlotPassBench() {
    }

    /** Stands at an instant set by hand and runs on in real time from it. */
    static final class JumpingClock extends Clock {
        private volatile Instant base;
        private volatile long baseNanos;

        JumpingClock(Instant start) {
            jumpTo(start);
        }

        void jumpTo(Instant t) {
            baseNanos = System.nanoTime();
            base = t;
        }

        @Override
        public Instant instant() {
            return base.plusNanos(System.nanoTime() - baseNanos);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    public static void main(String[] args) throws Exception {
        int schedules = ScheduleBench.intArg(args, "--schedules", 1_000);
        int passes = ScheduleBench.intArg(args, "--passes", 40);
        int warmup = ScheduleBench.intArg(args, "--warmup", 20);
        Logger.getLogger("").setLevel(Level.WARNING);
        System.out.printf(Locale.ROOT, "Coxswain schedule firing pass%n  JDK %s, %d cores%n"
                        + "  %,d schedules due every second, %d passes after %d to warm up%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), schedules, passes, warmup);
        ScheduleBench.eachStore(args, (store, db, dir) -> run(store, db, dir, schedules, passes, warmup));
    }

    private static void run(String store, Database db, Path dir, int schedules, int passes, int warmup)
            throws Exception {
        System.out.printf(Locale.ROOT, "%n[%s]%n", store);
        JumpingClock clock = new JumpingClock(FIRST_SLOT.minusMillis(500));
        ScheduleBench.Lateness lateness = new ScheduleBench.Lateness(schedules * passes);
        Engine engine = new Engine(db, EngineConfig.defaults("worker-bench", "bench", "bench", dir),
                List.of(new NoopExecutor()), clock, ZoneOffset.UTC, new SplittableRandom(1), lateness,
                WebhookSettings.defaults());
        ScheduleBench.load(engine, schedules, schedules);
        engine.scheduleFirer().runOnce(); // loads the timer
        long[] passMillis = new long[passes];
        for (int k = 0; k < warmup + passes; k++) {
            lateness.recording = k >= warmup;
            clock.jumpTo(FIRST_SLOT.plusSeconds(k));
            long t0 = System.nanoTime();
            engine.scheduleFirer().runOnce();
            if (k >= warmup) passMillis[k - warmup] = System.nanoTime() - t0;
        }
        long[] s = lateness.sorted();
        Arrays.sort(passMillis);
        System.out.printf(Locale.ROOT, "fired %,d runs in %d passes%n", s.length, passes);
        System.out.printf(Locale.ROOT, "fire lateness (slot -> run committed): p50 %.1f ms, p90 %.1f ms, max %.1f ms%n",
                ScheduleBench.pct(s, 0.50), ScheduleBench.pct(s, 0.90), s.length == 0 ? 0 : s[s.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "whole pass (with the timer's reload every 5 s): p50 %.1f ms, max %.1f ms%n",
                ScheduleBench.pct(passMillis, 0.50), passMillis[passMillis.length - 1] / 1e6);
    }
}
