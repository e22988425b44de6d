package dev.coxswain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.worker.protocol.CanonicalJson;
import dev.coxswain.worker.protocol.Signatures;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The remote-worker benchmark: one whole Coxswain server in this JVM (SQLite in a fresh temp
 * directory, or a freshly created PostgreSQL database; 127.0.0.1, port 0, no local worker, a
 * shared worker token, worker rate limits off, worker signatures on as in production), and for
 * each fleet size W a fleet of W {@code CoxswainWorker}s with a {@code noop} skill talking to it
 * over real HTTP. Tasks are created through the core {@link TaskService} (the create path is not
 * what is measured); "finished" is read back from the store. It prints figures and asserts
 * nothing about speed. See {@code coxswain-bench/README.md}.
 */
public final class RemoteWorkerBench {
    static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    /** A phase whose handler-run count has not moved for this long is reported as stuck. */
    private static final Duration STUCK_AFTER = Duration.ofSeconds(30);
    /** Pause after each latency sample's task finished, so every create meets idle, polling workers. */
    private static final long IDLE_GAP_MILLIS = 10;
    private static final int LATENCY_WARMUP = 50;
    private static final int SIGNATURE_ROUNDS = 20_000;

    private RemoteWorkerBench() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("remote-worker-bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        if (!o.verbose) Logger.getLogger("").setLevel(Level.WARNING); // lifecycle INFO lines hide the figures
        printHeader(o);
        Run run = o.postgres ? runPostgres(o) : runSqlite(o);
        run.signature = signatureCost();
        printTable(o, run);
        if (!run.problems.isEmpty()) System.exit(1);
    }

    // ---- stores ----------------------------------------------------------------------------

    private static Run runSqlite(Options o) throws Exception {
        return RemoteServers.onSqlite("coxswain-remote-bench-", settings(o), (store, server, probe) -> runServer(o, store, server, probe));
    }

    private static Run runPostgres(Options o) throws Exception {
        return RemoteServers.onPostgres("coxswain-remote-bench-", settings(o), (store, server, probe) -> runServer(o, store, server, probe));
    }

    private static RemoteServers.Settings settings(Options o) {
        return new RemoteServers.Settings(o.adminKey, o.workerToken, o.sqliteFullSync, o.dbUrl, o.dbUser);
    }

    private static Run runServer(Options o, String store, CoxswainServer server, RemoteServers.ProbeOpener opener)
            throws Exception {
        Run run = new Run(store);
        try (StoreProbe probe = opener.open()) {
            new Measure(o, server, probe, run).all();
        } catch (Abort a) {
            // recorded as a problem
        }
        return run;
    }

    // ---- the measured phases ----------------------------------------------------------------

    /** One server's run: a warm-up, then every fleet size in turn. */
    private static final class Measure {
        private final Options o;
        private final CoxswainServer server;
        private final TaskService svc;
        private final StoreProbe probe;
        private final Run run;
        private final NoopSkill skill = new NoopSkill();
        private final HttpCounts http;
        private final WorkerFleet.Settings fleet;
        private int created;

        Measure(Options o, CoxswainServer server, StoreProbe probe, Run run) {
            this.o = o;
            this.server = server;
            this.svc = server.engine().tasks();
            this.probe = probe;
            this.run = run;
            String base = "http://127.0.0.1:" + server.port();
            this.http = new HttpCounts(base);
            this.fleet = new WorkerFleet.Settings(base, o.workerToken, o.concurrency, Duration.ofMillis(o.idlePollMillis),
                    o.webSocket);
        }

        void all() throws Exception {
            // Long enough for C2 to compile the hot paths first (with a tenth of N the first measured
            // phase still spent seconds of CPU in the JIT compiler, which its CPU per task showed).
            int warm = Math.max(500, Math.min(10_000, o.tasks / 2));
            String s = run.store;
            phase("warm-up: 4 workers, " + fmt(warm) + " tasks drained + " + fmt(warm) + " end-to-end + "
                    + LATENCY_WARMUP + " latency samples", () -> {
                createAll(warm);
                try (WorkerFleet f = WorkerFleet.start(fleet, "bench-warm", 4, skill)) {
                    awaitDone(skill.runs() + warm, System.nanoTime(), null);
                    throughput(warm);
                    latency(LATENCY_WARMUP);
                }
                return Double.NaN;
            });
            for (int w : o.workers) {
                Figures f = new Figures(w);
                run.figures.add(f);
                String tag = "W=" + w + ": ";
                phase(tag + "create a backlog of " + fmt(o.tasks) + " tasks, no worker running", () -> {
                    createAll(o.tasks);
                    if (s.equals("postgres")) probe.analyze();
                    return Double.NaN;
                });
                WorkerFleet[] started = new WorkerFleet[1];
                try {
                    f.drain = phase(tag + "start " + w + " workers and drain the backlog", () -> {
                        Cost c = Cost.start(http);
                        long runs = skill.runs();
                        long t0 = System.nanoTime();
                        started[0] = WorkerFleet.start(fleet, "bench-w" + w, w, skill);
                        long end = awaitDone(runs + o.tasks, t0, null);
                        f.drainCost = c.end(o.tasks);
                        return rate(o.tasks, t0, end);
                    });
                    int settle = Math.max(200, Math.min(2_000, o.tasks / 10));
                    phase(tag + "warm-up " + fmt(settle) + " tasks end-to-end", () -> throughput(settle));
                    f.throughput = phase(tag + fmt(o.tasks) + " tasks created with createAll(" + o.batch + ") while the workers run",
                            () -> {
                                Cost c = Cost.start(http);
                                double r = throughput(o.tasks);
                                f.throughputCost = c.end(o.tasks);
                                return r;
                            });
                    phase(tag + "idle dispatch latency, " + LATENCY_WARMUP + " warm-up + " + o.latencySamples + " samples", () -> {
                        latency(LATENCY_WARMUP);
                        f.latency = latency(o.latencySamples);
                        return Double.NaN;
                    });
                } finally {
                    if (started[0] != null) started[0].close();
                }
            }
            Map<String, Long> statuses = probe.statusCounts();
            System.out.println("[" + s + "] final task statuses: " + statuses);
            long notCompleted = statuses.entrySet().stream().filter(e -> !e.getKey().equals("completed"))
                    .mapToLong(Map.Entry::getValue).sum();
            if (notCompleted > 0) run.problems.add(notCompleted + " task(s) did not complete: " + statuses);
        }

        /** Runs one phase, prints its line, records a failure as a problem and aborts the run. */
        private double phase(String what, Phase p) {
            System.out.print("[" + run.store + "] " + what + " … ");
            System.out.flush();
            long t0 = System.nanoTime();
            try {
                double r = p.run();
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.println((Double.isNaN(r) ? String.format(Locale.ROOT, "done (%.2f s", secs)
                        : String.format(Locale.ROOT, "%s tasks/s (%.2f s", fmt(r), secs)) + ", machine load " + load() + ")");
                return r;
            } catch (Exception e) {
                String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
                System.out.println("FAILED — " + msg);
                run.problems.add(what + ": " + msg);
                throw new Abort();
            }
        }

        /** Creates {@code n} tasks in createAll batches from this thread. */
        private void createAll(int n) {
            for (int from = 0; from < n; from += o.batch) {
                int to = Math.min(n, from + o.batch);
                List<NewTask> list = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) list.add(EngineBench.noopTask(created++));
                svc.createAll(list);
            }
        }

        /**
         * Creates {@code n} tasks with createAll from a producer thread while the workers run;
         * tasks per second from the first create until the store shows all of them finished.
         */
        private double throughput(int n) throws Exception {
            if (probe.anyOpen()) throw new IllegalStateException("tasks still open before the phase: " + probe.statusCounts());
            long runs = skill.runs();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            long t0 = System.nanoTime();
            Thread producer = Thread.ofPlatform().name("bench-producer").start(() -> {
                try {
                    createAll(n);
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            long end = awaitDone(runs + n, t0, failed);
            producer.join();
            return rate(n, t0, end);
        }

        /**
         * Waits until the handlers have run {@code runs} times (counted in memory, cheap) and the
         * store then shows no task pending, queued or running (so the last completion is committed).
         *
         * @return the {@link System#nanoTime()} at which that was seen
         */
        private long awaitDone(long runs, long since, AtomicReference<Throwable> producer) throws Exception {
            long last = -1;
            long lastChange = System.nanoTime();
            while (true) {
                if (producer != null && producer.get() != null) {
                    throw new IllegalStateException("creating the tasks failed: " + producer.get(), producer.get());
                }
                long seen = skill.runs();
                if (seen >= runs && !probe.anyOpen()) return System.nanoTime();
                long now = System.nanoTime();
                if (seen != last) {
                    last = seen;
                    lastChange = now;
                } else if (now - lastChange > STUCK_AFTER.toNanos()) {
                    throw new TimeoutException("stuck: " + (runs - seen) + " handler run(s) missing and no progress for "
                            + STUCK_AFTER.toSeconds() + " s (" + String.format(Locale.ROOT, "%.1f", (now - since) / 1e9)
                            + " s into the phase); statuses " + probe.statusCounts());
                }
                Thread.sleep(1);
            }
        }

        /**
         * One task at a time with every worker idle and holding a long poll: the time from just
         * before {@code create()} until a worker's handler starts it. Each sample waits for its
         * task to finish and then {@value #IDLE_GAP_MILLIS} ms.
         */
        private Latency latency(int samples) throws Exception {
            long[] dispatch = new long[samples];
            long[] create = new long[samples];
            skill.track(true);
            try {
                for (int i = 0; i < samples; i++) {
                    Thread.sleep(IDLE_GAP_MILLIS);
                    long before = System.nanoTime();
                    Task t = svc.create(EngineBench.noopTask(created++));
                    long returned = System.nanoTime();
                    long started = skill.awaitStart(t.id(), STUCK_AFTER);
                    dispatch[i] = started - before;
                    create[i] = returned - before;
                    awaitFinished(t.id());
                }
            } finally {
                skill.track(false);
            }
            Arrays.sort(dispatch);
            Arrays.sort(create);
            return new Latency(ms(EngineBench.pct(dispatch, 50)), ms(EngineBench.pct(dispatch, 90)),
                    ms(EngineBench.pct(dispatch, 99)), ms(dispatch[samples - 1]), ms(EngineBench.pct(create, 50)));
        }

        private void awaitFinished(long id) throws Exception {
            long deadline = System.nanoTime() + STUCK_AFTER.toNanos();
            while (!svc.get(id).status().terminal()) {
                if (System.nanoTime() > deadline) throw new TimeoutException("task-" + id + " did not finish");
                Thread.sleep(1);
            }
        }
    }

    private interface Phase {
        double run() throws Exception;
    }

    /** Thrown after a failed phase has been recorded, to skip the rest. */
    private static final class Abort extends RuntimeException {
        Abort() {
            super(null, null, false, false);
        }
    }

    /** CPU time of the whole JVM (server, workers, benchmark) and the server's HTTP request counts over one phase. */
    private record Cost(HttpCounts http, Map<String, Long> requestsBefore, long cpuBefore, long writerBefore, long jitBefore) {
        static Cost start(HttpCounts http) throws IOException, InterruptedException {
            return new Cost(http, http.read(), cpuNanos(), writerNanos(), jitMillis());
        }

        PhaseCost end(int tasks) throws IOException, InterruptedException {
            long cpu = cpuNanos() - cpuBefore;
            long writer = writerNanos() - writerBefore;
            Map<String, Long> requests = HttpCounts.diff(requestsBefore, http.read());
            requests.remove("GET /metrics 200"); // the benchmark's own readings
            return new PhaseCost(cpu / 1e6 / tasks, writer / 1e6 / tasks, jitMillis() - jitBefore, requests, tasks);
        }

        /** Time the JIT compilers spent so far: a phase that still compiles a lot was not warmed up. */
        private static long jitMillis() {
            var jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        }

        private static long cpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }

        /**
         * CPU time of the store's group-commit writer threads ({@code <store>-writer-<n>}): every
         * write transaction runs there, one batch at a time, so they bound the throughput.
         */
        private static long writerNanos() {
            return StoreWriterCpu.nanos();
        }
    }

    /**
     * @param cpuMsPerTask    CPU milliseconds per task, all threads of the JVM
     * @param writerMsPerTask CPU milliseconds per task of the store's writer threads
     * @param jitMillis       JIT compilation time during the phase (ms)
     */
    record PhaseCost(double cpuMsPerTask, double writerMsPerTask, long jitMillis, Map<String, Long> requests, int tasks) {
        double perTask(String key) {
            return requests.getOrDefault(key, 0L) / (double) tasks;
        }

        double totalPerTask() {
            return requests.values().stream().mapToLong(Long::longValue).sum() / (double) tasks;
        }
    }

    record Latency(double p50, double p90, double p99, double max, double createP50) {
    }

    /** Microseconds per result message: the worker's stamp, sign and canonical serialisation; the server's parse and verify. */
    record SignatureCost(double sealMicros, double verifyMicros) {
    }

    /**
     * The signature work one task's result costs, measured apart from the run: the worker seals
     * (stamp, HMAC over the canonical form, canonical bytes) and the server parses and verifies,
     * as {@code MessageSigner} and the {@code /_worker} face do, on a result shaped like the
     * worker library's.
     */
    static SignatureCost signatureCost() {
        String token = "bench-signature-token-0123456789";
        long sealNanos = 0;
        long verifyNanos = 0;
        int ok = 0;
        for (int round = 0; round < 2; round++) { // the first round warms up
            sealNanos = 0;
            verifyNanos = 0;
            for (int i = 0; i < SIGNATURE_ROUNDS; i++) {
                long t0 = System.nanoTime();
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.put("job_id", "task-" + (100_000 + i));
                body.put("task_id", "task-" + (100_000 + i) + ".1");
                body.put("worker_id", "bench-w16-3");
                body.put("origin_worker_id", "bench-w16-3");
                body.putObject("data");
                body.putObject("costs").put("execution_time_seconds", 0.0001);
                body.put("timestamp", System.currentTimeMillis() / 1000);
                String sig = Signatures.sign(body, false, token);
                body.putObject("security").put("signature", sig).put("signer_id", "bench-w16-3");
                byte[] wire = CanonicalJson.canonicalBytes(body);
                long t1 = System.nanoTime();
                JsonNode parsed = Bodies.parse(wire);
                if (Signatures.verify(parsed, false, token, parsed.path("security").path("signature").asText())) ok++;
                long t2 = System.nanoTime();
                sealNanos += t1 - t0;
                verifyNanos += t2 - t1;
            }
        }
        if (ok != 2 * SIGNATURE_ROUNDS) throw new IllegalStateException("signature check failed " + (2 * SIGNATURE_ROUNDS - ok) + " times");
        return new SignatureCost(sealNanos / 1e3 / SIGNATURE_ROUNDS, verifyNanos / 1e3 / SIGNATURE_ROUNDS);
    }

    /** The machine's 1-minute load average: other processes share these cores, and show up in every figure. */
    static String load() {
        return String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double rate(int n, long start, long end) {
        return n / ((end - start) / 1e9);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static String fmt(double v) {
        return EngineBench.fmt(v);
    }

    // ---- output ----------------------------------------------------------------------------

    private static void printHeader(Options o) {
        Runtime.Version v = Runtime.version();
        System.out.println("Coxswain remote-worker benchmark");
        row("JDK", v + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor") + ")");
        row("cores", Runtime.getRuntime().availableProcessors() + " (machine load average at start: " + load() + ")");
        row("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        row("store", o.postgres ? "PostgreSQL, fresh database via " + EngineBench.redact(o.dbUrl) + " (pool 10 + 2 writers, as the server)"
                : "SQLite, temp dir, WAL, synchronous=" + (o.sqliteFullSync ? "FULL (server default)" : "NORMAL"));
        row("server", "in-process, 127.0.0.1:0, local worker off (concurrency 0), shared worker token,"
                + " worker-signatures ON, worker rate limits off (0)");
        row("workers", "W = " + o.workers.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
                + " CoxswainWorker(s) in this JVM, each: concurrency " + o.concurrency + ", idle poll delay " + o.idlePollMillis
                + " ms, poll timeout 30 s, WebSocket " + (o.webSocket ? "on" : "off") + ", skill noop (returns at once)");
        row("tasks", fmt(o.tasks) + " per throughput phase, created with createAll(" + o.batch + ") through TaskService;"
                + " latency: " + o.latencySamples + " samples after " + LATENCY_WARMUP + " warm-up");
    }

    private static void row(String k, String v) {
        System.out.printf(Locale.ROOT, "  %-8s %s%n", k, v);
    }

    private static void printTable(Options o, Run run) {
        List<Figures> all = run.figures;
        System.out.println();
        System.out.println("Results, store = " + run.store + ", " + Runtime.getRuntime().availableProcessors()
                + " cores (rates in tasks/s, higher is better; latencies in ms, lower is better)");
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[all.size() + 2];
        head[0] = "figure";
        for (int i = 0; i < all.size(); i++) head[i + 1] = "W=" + all.get(i).workers;
        head[all.size() + 1] = "aim";
        rows.add(head);
        rows.add(line(all, "1  throughput, createAll while workers run", f -> rateCell(f.throughput), "≥ 5,000 at W=16 (sqlite)"));
        rows.add(line(all, "   backlog drain (" + fmt(o.tasks) + " queued before start)", f -> rateCell(f.drain), ""));
        rows.add(line(all, "   CPU per task, throughput (ms, whole JVM)", f -> f.throughputCost == null ? "—"
                : String.format(Locale.ROOT, "%.3f", f.throughputCost.cpuMsPerTask()), ""));
        rows.add(line(all, "   CPU per task, drain (ms, whole JVM)", f -> f.drainCost == null ? "—"
                : String.format(Locale.ROOT, "%.3f", f.drainCost.cpuMsPerTask()), ""));
        rows.add(line(all, "   store writer thread CPU per task, throughput (ms)", f -> f.throughputCost == null ? "—"
                : String.format(Locale.ROOT, "%.3f", f.throughputCost.writerMsPerTask()), ""));
        rows.add(line(all, "   store writer thread CPU per task, drain (ms)", f -> f.drainCost == null ? "—"
                : String.format(Locale.ROOT, "%.3f", f.drainCost.writerMsPerTask()), ""));
        rows.add(line(all, "   JIT compile time in throughput / drain (ms)", f -> f.throughputCost == null || f.drainCost == null ? "—"
                : f.throughputCost.jitMillis() + " / " + f.drainCost.jitMillis(), ""));
        rows.add(line(all, "   HTTP requests per task, throughput", f -> f.throughputCost == null ? "—"
                : String.format(Locale.ROOT, "%.3f", f.throughputCost.totalPerTask()), ""));
        TreeSet<String> keys = new TreeSet<>();
        for (Figures f : all) if (f.throughputCost != null) keys.addAll(f.throughputCost.requests().keySet());
        for (String k : keys) {
            rows.add(line(all, "     " + k, f -> f.throughputCost == null ? "—"
                    : String.format(Locale.ROOT, "%.3f", f.throughputCost.perTask(k)), ""));
        }
        rows.add(line(all, "2  idle dispatch latency p50", f -> f.latency == null ? "—" : msCell(f.latency.p50()), ""));
        rows.add(line(all, "   idle dispatch latency p90", f -> f.latency == null ? "—" : msCell(f.latency.p90()), ""));
        rows.add(line(all, "   idle dispatch latency p99", f -> f.latency == null ? "—" : msCell(f.latency.p99()), "≤ 10 ms"));
        rows.add(line(all, "   idle dispatch latency max", f -> f.latency == null ? "—" : msCell(f.latency.max()), ""));
        rows.add(line(all, "   of which create() call, p50", f -> f.latency == null ? "—" : msCell(f.latency.createP50()), ""));
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
        if (run.signature != null) {
            System.out.printf(Locale.ROOT, "  signature work per result (measured apart, %,d results): worker seal %.1f µs,"
                    + " server parse + verify %.1f µs%n", SIGNATURE_ROUNDS, run.signature.sealMicros(), run.signature.verifyMicros());
        }
        for (String p : run.problems) System.out.println("  PROBLEM: " + p);
    }

    private static String[] line(List<Figures> all, String label, java.util.function.Function<Figures, String> cell, String aim) {
        String[] r = new String[all.size() + 2];
        r[0] = label;
        for (int i = 0; i < all.size(); i++) r[i + 1] = cell.apply(all.get(i));
        r[all.size() + 1] = aim;
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


    /** Everything one run measured. */
    static final class Run {
        final String store;
        final List<Figures> figures = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        SignatureCost signature;

        Run(String store) {
            this.store = store;
        }
    }

    /** What one fleet size measured; NaN / null where a phase did not run. */
    static final class Figures {
        final int workers;
        double throughput = Double.NaN;
        double drain = Double.NaN;
        PhaseCost throughputCost;
        PhaseCost drainCost;
        Latency latency;

        Figures(int workers) {
            this.workers = workers;
        }
    }

    static final class Options {
        static final String USAGE = """
                usage: java -cp 'coxswain-bench/target/coxswain-bench.jar:coxswain-bench/target/lib/*' \\
                           dev.coxswain.bench.RemoteWorkerBench [options]
                  --store sqlite|postgres   store of the in-process server (default sqlite)
                  --db-url URL              PostgreSQL admin JDBC URL; a fresh database coxswain_bench_<random>
                                            is created through it and dropped afterwards (default %s)
                  --db-user NAME            PostgreSQL user when the URL names none (default postgres)
                  --tasks N                 tasks per throughput / drain phase (default 20000)
                  --workers LIST            fleet sizes, comma-separated (default 1,4,16)
                  --concurrency N           tasks in flight per worker (default 4)
                  --idle-poll-ms N          worker's wait after an empty poll (default 10)
                  --latency-samples N       idle dispatch latency samples (default 500)
                  --batch N                 tasks per createAll call (default 500)
                  --sqlite-sync full|normal SQLite durability (default full, as the server)
                  --no-websocket            workers keep no WebSocket (default: they do, as in production)
                  --verbose                 keep the server's and workers' INFO logging
                """.formatted(DEFAULT_PG_URL);

        int tasks = 20_000;
        List<Integer> workers = List.of(1, 4, 16);
        int concurrency = 4;
        int idlePollMillis = 10;
        int latencySamples = 500;
        int batch = 500;
        boolean postgres;
        boolean sqliteFullSync = true;
        boolean webSocket = true;
        String dbUrl = DEFAULT_PG_URL;
        String dbUser = "postgres";
        boolean verbose;
        boolean help;
        /** Generated per run: the server is reachable only from this machine, and only for the run. */
        final String workerToken = "bench-worker-" + secret();
        final String adminKey = "bench-admin-" + secret();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--verbose" -> o.verbose = true;
                    case "--no-websocket" -> o.webSocket = false;
                    case "--store" -> {
                        String v = value(args, ++i, a);
                        switch (v) {
                            case "sqlite" -> o.postgres = false;
                            case "postgres" -> o.postgres = true;
                            default -> throw new IllegalArgumentException("--store must be sqlite or postgres");
                        }
                    }
                    case "--db-url" -> {
                        o.dbUrl = value(args, ++i, a);
                        if (!o.dbUrl.startsWith("jdbc:postgresql://")) throw new IllegalArgumentException("--db-url must be a jdbc:postgresql:// URL");
                    }
                    case "--db-user" -> o.dbUser = value(args, ++i, a);
                    case "--tasks" -> o.tasks = positive(args, ++i, a);
                    case "--workers" -> {
                        List<Integer> ws = new ArrayList<>();
                        for (String p : value(args, ++i, a).split(",")) ws.add(positive(new String[] {p.trim()}, 0, a));
                        o.workers = List.copyOf(ws);
                    }
                    case "--concurrency" -> o.concurrency = positive(args, ++i, a);
                    case "--idle-poll-ms" -> o.idlePollMillis = positive(args, ++i, a);
                    case "--latency-samples" -> o.latencySamples = positive(args, ++i, a);
                    case "--batch" -> o.batch = positive(args, ++i, a);
                    case "--sqlite-sync" -> {
                        String v = value(args, ++i, a);
                        if (!v.equals("full") && !v.equals("normal")) throw new IllegalArgumentException("--sqlite-sync must be full or normal");
                        o.sqliteFullSync = v.equals("full");
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return o;
        }

        private static String secret() {
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            return HexFormat.of().formatHex(b);
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
