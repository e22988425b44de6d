package dev.coxswain.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The side-by-side workload, the same code for every {@link Contender}; each phase on a fresh
 * store. Definitions follow {@code shared/peerbench} (see coxswain-bench/README.md):
 * <ol>
 *   <li>enqueue N tasks due now through the batch API, workers stopped, from 1 thread and (a
 *       second fresh store) from C threads;</li>
 *   <li>drain: after the 1-thread enqueue and an untimed ANALYZE, start the workers; until every
 *       body ran and the store holds no unfinished task;</li>
 *   <li>end to end: C synchronous clients, each submitting one task and waiting for its body to
 *       start, again and again, N in all; until the store holds no unfinished task;</li>
 *   <li>idle dispatch latency: workers idle, one task due now every interval; from just before
 *       the submit call to the first instruction of the body;</li>
 *   <li>rows written per task over the store of phases 1 (one thread) and 2: create, run and
 *       complete N tasks.</li>
 * </ol>
 */
final class PeerWorkload {
    /** A phase whose progress stands still this long has failed. */
    private static final long STUCK_NANOS = Duration.ofSeconds(60).toNanos();
    private static final Duration BODY_WAIT = Duration.ofSeconds(60);
    /** Freshly started workers settle before the latency samples (peerbench waits as long). */
    private static final long READY_MILLIS = 2_000;

    record Settings(int tasks, int clients, int batch, int latencySamples, long latencyIntervalMillis) {
    }

    /** Percentiles of the idle dispatch latency and of the submit call, in ms. */
    record Latency(double p50, double p95, double p99, double max, double submitP50) {
    }

    /** What one pass measured; NaN / null where a phase did not run or failed. */
    static final class Figures {
        double enqueueOne = Double.NaN;
        double enqueueMany = Double.NaN;
        double drain = Double.NaN;
        double endToEnd = Double.NaN;
        Latency latency;
        /** Rows written per table over the drain's store (created, run, completed), and how many tasks. */
        Map<String, TableWrites.Counts> writes;
        int writesTasks;
        final List<String> problems = new ArrayList<>();

        /** Rows written per task, all tables; NaN when not measured. */
        double rowsPerTask() {
            if (writes == null) return Double.NaN;
            return writes.values().stream().mapToLong(TableWrites.Counts::total).sum() / (double) writesTasks;
        }
    }

    private final Consumer<String> log;

    PeerWorkload(Consumer<String> log) {
        this.log = log;
    }

    Figures run(Contender c, Settings s) {
        Figures f = new Figures();
        phase(c, f, "enqueue (1 thread) + drain + rows written", () -> enqueueAndDrain(c, s, f));
        phase(c, f, "enqueue (" + s.clients() + " threads)", () -> enqueueMany(c, s, f));
        phase(c, f, "end to end (" + s.clients() + " synchronous clients)", () -> endToEnd(c, s, f));
        phase(c, f, "idle dispatch latency", () -> latency(c, s, f));
        return f;
    }

    private interface Body {
        void run() throws Exception;
    }

    /** Runs one phase; a failure is recorded and the store is released and removed in any case. */
    private void phase(Contender c, Figures f, String what, Body body) {
        try {
            body.run();
        } catch (Exception e) {
            String msg = what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
            log.accept("  " + c.label() + " FAILED " + msg);
            f.problems.add(msg);
        } finally {
            try {
                c.release();
            } catch (Exception e) {
                f.problems.add(what + ": release: " + e.getMessage());
            }
            c.dispose();
        }
    }

    private void enqueueAndDrain(Contender c, Settings s, Figures f) throws Exception {
        int n = s.tasks();
        c.prepare();
        Map<String, TableWrites.Counts> before = c.tableWrites();
        c.open();
        f.enqueueOne = rate(n, enqueue(c, 1, n, s.batch()));
        if (c.bodiesRun() != 0) throw new IllegalStateException("task bodies ran during the enqueue: workers were running");
        c.analyze();
        long t0 = System.nanoTime();
        c.startWorkers();
        f.drain = rate(n, t0, awaitDone(c, n, t0));
        check(c, f, "drain");
        c.release();
        expectBodies(c, f, n, "drain");
        if (before != null) {
            f.writes = TableWrites.delta(before, c.tableWrites());
            f.writesTasks = n;
        }
        log.accept(String.format(Locale.ROOT, "  %-16s enqueue 1 thread %s/s · drain %s/s · rows written/task %s",
                c.label(), EngineBench.fmt(f.enqueueOne), EngineBench.fmt(f.drain),
                f.writes == null ? "—" : String.format(Locale.ROOT, "%.2f", f.rowsPerTask())));
    }

    private void enqueueMany(Contender c, Settings s, Figures f) throws Exception {
        int n = s.tasks();
        c.prepare();
        c.open();
        f.enqueueMany = rate(n, enqueue(c, s.clients(), n, s.batch()));
        log.accept(String.format(Locale.ROOT, "  %-16s enqueue %d threads %s/s", c.label(), s.clients(),
                EngineBench.fmt(f.enqueueMany)));
    }

    private void endToEnd(Contender c, Settings s, Figures f) throws Exception {
        int n = s.tasks();
        c.prepare();
        c.open();
        c.startWorkers();
        Thread.sleep(READY_MILLIS);
        AtomicInteger next = new AtomicInteger();
        long[] window = clients(s.clients(), () -> {
            for (int i; (i = next.getAndIncrement()) < n; ) c.submitNow(i).awaitBody(BODY_WAIT);
        });
        f.endToEnd = rate(n, window[0], awaitDone(c, n, window[0]));
        check(c, f, "end to end");
        c.release();
        expectBodies(c, f, n, "end to end");
        log.accept(String.format(Locale.ROOT, "  %-16s end to end %s/s", c.label(), EngineBench.fmt(f.endToEnd)));
    }

    private void latency(Contender c, Settings s, Figures f) throws Exception {
        int samples = s.latencySamples();
        c.prepare();
        c.open();
        c.startWorkers();
        Thread.sleep(READY_MILLIS);
        long interval = s.latencyIntervalMillis() * 1_000_000L;
        long[] due = new long[samples];
        long[] call = new long[samples];
        List<Contender.Submitted> submitted = new ArrayList<>(samples);
        long first = System.nanoTime() + interval;
        for (int i = 0; i < samples; i++) {
            waitUntil(first + i * interval);
            due[i] = System.nanoTime();
            submitted.add(c.submitNow(i));
            call[i] = System.nanoTime() - due[i];
        }
        long[] delay = new long[samples];
        for (int i = 0; i < samples; i++) delay[i] = submitted.get(i).awaitBody(BODY_WAIT) - due[i];
        awaitDone(c, samples, System.nanoTime());
        check(c, f, "latency");
        c.release();
        expectBodies(c, f, samples, "latency");
        Arrays.sort(delay);
        Arrays.sort(call);
        f.latency = new Latency(ms(EngineBench.pct(delay, 50)), ms(EngineBench.pct(delay, 95)),
                ms(EngineBench.pct(delay, 99)), ms(delay[samples - 1]), ms(EngineBench.pct(call, 50)));
        log.accept(String.format(Locale.ROOT, "  %-16s idle dispatch p50 %.2f / p95 %.2f / p99 %.2f / max %.2f ms"
                        + " · submit call p50 %.2f ms", c.label(), f.latency.p50(), f.latency.p95(), f.latency.p99(),
                f.latency.max(), f.latency.submitP50()));
    }

    /** Waits for a slot: parked until just before it, then spinning, so the slot is kept to a few µs. */
    private static void waitUntil(long slot) {
        long now;
        while ((now = System.nanoTime()) < slot) {
            long left = slot - now;
            if (left > 2_000_000L) LockSupport.parkNanos(left - 1_000_000L);
            else Thread.onSpinWait();
        }
    }

    /**
     * Enqueues tasks 0 .. n-1 from {@code threads} threads, each taking the next {@code batch}
     * until none are left. @return when the threads were released and when the last call returned
     */
    private static long[] enqueue(Contender c, int threads, int n, int batch) throws Exception {
        AtomicInteger next = new AtomicInteger();
        return clients(threads, () -> {
            for (int from; (from = next.getAndAdd(batch)) < n; ) c.enqueueBatch(from, Math.min(batch, n - from));
        });
    }

    private interface Client {
        void run() throws Exception;
    }

    /**
     * Runs {@code work} on {@code count} threads released together.
     *
     * @return {@link System#nanoTime()} at the release and after the last thread ended
     */
    private static long[] clients(int count, Client work) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            threads.add(Thread.ofPlatform().name("sxs-client-" + i).start(() -> {
                try {
                    go.await();
                    work.run();
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
        return new long[] {start, end};
    }

    /**
     * Waits until {@code n} bodies have run (counted in memory, free to look at), then until the
     * store shows no unfinished task (asked only from then on, so the asking costs the
     * scheduler nothing while it works).
     *
     * @return the {@link System#nanoTime()} at which the store showed it
     */
    private static long awaitDone(Contender c, long n, long since) throws Exception {
        long lastProgress = System.nanoTime();
        long lastBodies = -1;
        while (c.bodiesRun() < n) {
            long b = c.bodiesRun();
            long now = System.nanoTime();
            if (b != lastBodies) {
                lastBodies = b;
                lastProgress = now;
            } else if (now - lastProgress > STUCK_NANOS) {
                throw new TimeoutException("stuck: " + b + " of " + n + " bodies ran, no progress for "
                        + STUCK_NANOS / 1_000_000_000L + " s (" + seconds(now - since) + " s into the phase)");
            }
            Thread.sleep(1);
        }
        long deadline = System.nanoTime() + STUCK_NANOS;
        while (c.anyUnfinished()) {
            if (System.nanoTime() > deadline) throw new TimeoutException("every body ran, but tasks stayed unfinished for "
                    + STUCK_NANOS / 1_000_000_000L + " s");
            Thread.sleep(1);
        }
        return System.nanoTime();
    }

    private static void check(Contender c, Figures f, String phase) throws Exception {
        String p = c.checkDone();
        if (p != null) f.problems.add(phase + ": " + p);
    }

    /** After release: a body run more than once shows as a count above {@code n}. */
    private static void expectBodies(Contender c, Figures f, long n, String phase) {
        long ran = c.bodiesRun();
        if (ran != n) f.problems.add(phase + ": " + ran + " bodies ran for " + n + " tasks");
    }

    private static double rate(int n, long[] window) {
        return rate(n, window[0], window[1]);
    }

    private static double rate(int n, long start, long end) {
        return n / ((end - start) / 1e9);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
