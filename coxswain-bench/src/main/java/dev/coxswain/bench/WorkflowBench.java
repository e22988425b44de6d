package dev.coxswain.bench;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.WorkflowService;
import dev.coxswain.server.CoxswainServer;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The workflow benchmark: one whole Coxswain server in this JVM (SQLite in a fresh temp
 * directory, or a freshly created PostgreSQL database; 127.0.0.1, port 0, no local worker) and W
 * {@code CoxswainWorker}s with a {@code noop} skill talking to it over HTTP. Jobs are created the
 * way an orchestrator client creates them, {@code POST /api/v1/<endpoint>}; bare tasks the way a
 * native client does, {@code POST /api/tasks}. It measures (a) jobs per second of a three-step
 * blueprint and (b) what a workflow step adds to the latency of a bare task of the same skill. It
 * prints figures and asserts nothing about speed. See {@code coxswain-bench/README.md}.
 */
public final class WorkflowBench {
    static final String DEFAULT_PG_URL = RemoteWorkerBench.DEFAULT_PG_URL;
    /** A phase whose finished-job count has not moved for this long is reported as stuck. */
    private static final Duration STUCK_AFTER = Duration.ofSeconds(30);
    /** Pause before each latency sample, so every sample starts with the workers idle and polling. */
    private static final long IDLE_GAP_MILLIS = 10;
    /** How often a latency sample looks whether its job or task has finished (a read of the store). */
    private static final Duration SAMPLE_POLL = Duration.ofNanos(200_000);
    private static final int LATENCY_WARMUP = 50;

    static final String THREE_STEPS = """
            {"name": "bench_three", "api_endpoint": "/jobs/bench_three", "states": {
              "one":   {"start": true, "type": "dispatch", "skill": "noop", "retries": 0, "params": {}, "transitions": {"success": "two"}},
              "two":   {"type": "dispatch", "skill": "noop", "retries": 0, "params": {}, "transitions": {"success": "three"}},
              "three": {"type": "dispatch", "skill": "noop", "retries": 0, "params": {}, "transitions": {"success": "finished"}},
              "finished": {"type": "end"}}}""";
    static final String ONE_STEP = """
            {"name": "bench_one", "api_endpoint": "/jobs/bench_one", "states": {
              "one": {"start": true, "type": "dispatch", "skill": "noop", "retries": 0, "params": {}, "transitions": {"success": "finished"}},
              "finished": {"type": "end"}}}""";

    private WorkflowBench() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("workflow-bench: " + e.getMessage());
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
        printResults(o, run);
        if (!run.problems.isEmpty()) System.exit(1);
    }

    // ---- stores ----------------------------------------------------------------------------

    private static Run runSqlite(Options o) throws Exception {
        return RemoteServers.onSqlite("coxswain-workflow-bench-", settings(o), (store, server, probe) -> runServer(o, store, server, probe));
    }

    private static Run runPostgres(Options o) throws Exception {
        return RemoteServers.onPostgres("coxswain-workflow-bench-", settings(o), (store, server, probe) -> runServer(o, store, server, probe));
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

    /** One server's run: blueprints, the workers, a warm-up, then (a) and (b). */
    private static final class Measure {
        private final Options o;
        private final WorkflowService workflows;
        private final TaskService tasks;
        private final StoreProbe probe;
        private final Run run;
        private final NoopSkill skill = new NoopSkill();
        private final HttpCounts http;
        private final JobClient client;
        private final WorkerFleet.Settings fleet;
        private final AtomicInteger created = new AtomicInteger();

        Measure(Options o, CoxswainServer server, StoreProbe probe, Run run) {
            this.o = o;
            this.workflows = server.engine().workflows();
            this.tasks = server.engine().tasks();
            this.probe = probe;
            this.run = run;
            String base = "http://127.0.0.1:" + server.port();
            this.http = new HttpCounts(base);
            this.client = new JobClient(base, o.adminKey);
            this.fleet = new WorkerFleet.Settings(base, o.workerToken, o.concurrency, Duration.ofMillis(o.idlePollMillis), true);
        }

        void all() throws Exception {
            // Registration is not measured: through the core service, as a blueprints-dir load does.
            workflows.register(THREE_STEPS, "json", "bench");
            workflows.register(ONE_STEP, "json", "bench");
            try (WorkerFleet workers = WorkerFleet.start(fleet, "bench-wf", o.workers, skill)) {
                int warm = Math.max(200, Math.min(2_000, o.jobs / 2));
                phase("warm-up: " + fmt(warm) + " three-step jobs + " + LATENCY_WARMUP + " latency samples of each kind", () -> {
                    throughput(warm);
                    latency(LATENCY_WARMUP);
                    return Double.NaN;
                });
                run.jobsPerSecond = phase("(a) " + fmt(o.jobs) + " three-step jobs through POST /api/v1/jobs/bench_three, "
                        + o.clients + " client threads", () -> {
                    Cost c = Cost.start(http);
                    double r = throughput(o.jobs);
                    run.cost = c.end(o.jobs);
                    return r;
                });
                phase("(b) step latency, " + o.latencySamples + " one-step jobs and " + o.latencySamples
                        + " bare tasks, alternating, one at a time", () -> {
                    run.latency = latency(o.latencySamples);
                    return Double.NaN;
                });
            }
            Map<String, Long> jobs = probe.jobCounts();
            Map<String, Long> statuses = probe.statusCounts();
            System.out.println("[" + run.store + "] final job statuses: " + jobs + "; task statuses: " + statuses);
            long notFinished = jobs.entrySet().stream().filter(e -> !e.getKey().equals("finished")).mapToLong(Map.Entry::getValue).sum();
            if (notFinished > 0) run.problems.add(notFinished + " job(s) did not finish: " + jobs);
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
                        : String.format(Locale.ROOT, "%s jobs/s (%.2f s", fmt(r), secs)) + ", machine load "
                        + RemoteWorkerBench.load() + ")");
                return r;
            } catch (Exception e) {
                String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
                System.out.println("FAILED — " + msg);
                run.problems.add(what + ": " + msg);
                throw new Abort();
            }
        }

        /**
         * {@code --clients} threads create {@code n} three-step jobs over HTTP while the workers
         * run; jobs per second from the first create until the store shows all of them finished.
         * The create calls' own durations are kept for the 202's p50/p99.
         */
        private double throughput(int n) throws Exception {
            long finishedBefore = probe.jobCounts().getOrDefault("finished", 0L);
            long[] calls = new long[n];
            AtomicInteger next = new AtomicInteger();
            AtomicLong lastReturn = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(o.clients, r -> Thread.ofPlatform().name("bench-client").unstarted(r));
            long t0 = System.nanoTime();
            List<Future<?>> clients = new ArrayList<>();
            try {
                for (int c = 0; c < o.clients; c++) {
                    clients.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                            long s = System.nanoTime();
                            client.startJob("/jobs/bench_three");
                            long e = System.nanoTime();
                            calls[i] = e - s;
                            lastReturn.accumulateAndGet(e, Math::max);
                        }
                        return null;
                    }));
                }
                long end = awaitFinished(finishedBefore + n, t0, clients);
                for (Future<?> f : clients) f.get();
                created.addAndGet(n);
                Arrays.sort(calls);
                run.createP50 = ms(EngineBench.pct(calls, 50));
                run.createP99 = ms(EngineBench.pct(calls, 99));
                run.createPhaseSeconds = (lastReturn.get() - t0) / 1e9;
                return n / ((end - t0) / 1e9);
            } finally {
                pool.shutdownNow();
            }
        }

        /**
         * Waits until the store shows {@code target} finished jobs; fails on a job that ended
         * otherwise, on a client that failed, or when nothing moved for {@link #STUCK_AFTER}.
         *
         * @return the {@link System#nanoTime()} at which that was seen
         */
        private long awaitFinished(long target, long since, List<Future<?>> clients) throws Exception {
            long last = -1;
            long lastChange = System.nanoTime();
            while (true) {
                for (Future<?> f : clients) {
                    if (f.isDone()) f.get(); // rethrows a client's failure
                }
                Map<String, Long> counts = probe.jobCounts();
                long finished = counts.getOrDefault("finished", 0L);
                for (String bad : List.of("failed", "quarantined", "cancelled")) {
                    if (counts.getOrDefault(bad, 0L) > 0) throw new IllegalStateException("jobs ended " + bad + ": " + counts);
                }
                long now = System.nanoTime();
                if (finished >= target) return now;
                if (finished != last) {
                    last = finished;
                    lastChange = now;
                } else if (now - lastChange > STUCK_AFTER.toNanos()) {
                    throw new TimeoutException("stuck: " + (target - finished) + " job(s) not finished and no progress for "
                            + STUCK_AFTER.toSeconds() + " s (" + String.format(Locale.ROOT, "%.1f", (now - since) / 1e9)
                            + " s into the phase); jobs " + counts + ", tasks " + probe.statusCounts());
                }
                Thread.sleep(5);
            }
        }

        /**
         * One at a time, with every worker idle and holding its long poll: a one-step job
         * (POST → the job finished) and a bare task of the same skill (POST → the task
         * completed), alternating so that any drift of the machine hits both alike. "Finished"
         * is the committed state, read through the server's services every 0.2 ms. The server's
         * own view is kept too: the job's {@code finished_at − created_at}, the task's
         * {@code completed_at − created_at} (milliseconds, as stored).
         */
        private Latency latency(int samples) throws Exception {
            long[] job = new long[samples];
            long[] task = new long[samples];
            long[] jobServer = new long[samples];
            long[] taskServer = new long[samples];
            for (int i = 0; i < samples; i++) {
                Thread.sleep(IDLE_GAP_MILLIS);
                long t0 = System.nanoTime();
                String id = client.startJob("/jobs/bench_one");
                Job j = awaitJob(id);
                job[i] = System.nanoTime() - t0;
                jobServer[i] = Duration.between(j.createdAt(), j.finishedAt()).toNanos();

                Thread.sleep(IDLE_GAP_MILLIS);
                t0 = System.nanoTime();
                long tid = client.createTask(NoopSkill.NAME, "bench-bare-" + created.incrementAndGet());
                Task t = awaitTask(tid);
                task[i] = System.nanoTime() - t0;
                taskServer[i] = Duration.between(t.createdAt(), t.completedAt()).toNanos();
            }
            return new Latency(Dist.of(job), Dist.of(task), Dist.of(jobServer), Dist.of(taskServer));
        }

        private Job awaitJob(String id) throws Exception {
            long deadline = System.nanoTime() + STUCK_AFTER.toNanos();
            while (true) {
                Job j = workflows.get(id);
                if (j.status().terminal()) {
                    if (!j.status().wire().equals("finished")) throw new IllegalStateException("job " + id + " ended " + j.status().wire());
                    return j;
                }
                if (System.nanoTime() > deadline) throw new TimeoutException("job " + id + " did not finish: " + j.status().wire());
                Thread.sleep(SAMPLE_POLL);
            }
        }

        private Task awaitTask(long id) throws Exception {
            long deadline = System.nanoTime() + STUCK_AFTER.toNanos();
            while (true) {
                Task t = tasks.get(id);
                if (t.status().terminal()) {
                    if (!t.status().wire().equals("completed")) throw new IllegalStateException("task-" + id + " ended " + t.status().wire());
                    return t;
                }
                if (System.nanoTime() > deadline) throw new TimeoutException("task-" + id + " did not complete: " + t.status().wire());
                Thread.sleep(SAMPLE_POLL);
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

    /** CPU time of the whole JVM and the server's HTTP request counts over one phase. */
    private record Cost(HttpCounts http, Map<String, Long> requestsBefore, long cpuBefore, long writerBefore) {
        static Cost start(HttpCounts http) throws IOException, InterruptedException {
            return new Cost(http, http.read(), cpuNanos(), StoreWriterCpu.nanos());
        }

        PhaseCost end(int jobs) throws IOException, InterruptedException {
            long cpu = cpuNanos() - cpuBefore;
            long writer = StoreWriterCpu.nanos() - writerBefore;
            Map<String, Long> requests = HttpCounts.diff(requestsBefore, http.read());
            requests.remove("GET /metrics 200"); // the benchmark's own readings
            return new PhaseCost(cpu / 1e6 / jobs, writer / 1e6 / jobs, requests, jobs);
        }

        private static long cpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }
    }

    /**
     * @param cpuMsPerJob    CPU milliseconds per job, every thread of the JVM (server, workers, clients)
     * @param writerMsPerJob CPU milliseconds per job of the store's writer threads
     */
    record PhaseCost(double cpuMsPerJob, double writerMsPerJob, Map<String, Long> requests, int jobs) {
        double perJob(String key) {
            return requests.getOrDefault(key, 0L) / (double) jobs;
        }

        double totalPerJob() {
            return requests.values().stream().mapToLong(Long::longValue).sum() / (double) jobs;
        }
    }

    /** p50 / p90 / p99 / max of one series, in ms. */
    record Dist(double p50, double p90, double p99, double max) {
        static Dist of(long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            return new Dist(ms(EngineBench.pct(s, 50)), ms(EngineBench.pct(s, 90)), ms(EngineBench.pct(s, 99)), ms(s[s.length - 1]));
        }
    }

    record Latency(Dist job, Dist task, Dist jobServer, Dist taskServer) {
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
        System.out.println("Coxswain workflow benchmark");
        row("JDK", v + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor") + ")");
        row("cores", Runtime.getRuntime().availableProcessors() + " (machine load average at start: " + RemoteWorkerBench.load() + ")");
        row("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        row("store", o.postgres ? "PostgreSQL, fresh database via " + EngineBench.redact(o.dbUrl) + " (pool 10 + 2 writers, as the server)"
                : "SQLite, temp dir, WAL, synchronous=" + (o.sqliteFullSync ? "FULL (server default)" : "NORMAL"));
        row("server", "in-process, 127.0.0.1:0, local worker off, shared worker token, worker-signatures ON, worker rate limits off");
        row("workers", o.workers + " CoxswainWorker(s) in this JVM, each: concurrency " + o.concurrency + ", idle poll delay "
                + o.idlePollMillis + " ms, WebSocket on, skill noop (returns at once)");
        row("jobs", "(a) " + fmt(o.jobs) + " jobs of a three-step blueprint (3 noop dispatch states), " + o.clients
                + " HTTP client threads; (b) " + o.latencySamples + " samples each after " + LATENCY_WARMUP + " warm-up");
    }

    private static void row(String k, String v) {
        System.out.printf(Locale.ROOT, "  %-8s %s%n", k, v);
    }

    private static void printResults(Options o, Run run) {
        System.out.println();
        System.out.println("Results, store = " + run.store + ", " + Runtime.getRuntime().availableProcessors() + " cores, W = "
                + o.workers + " workers");
        if (!Double.isNaN(run.jobsPerSecond)) {
            System.out.printf(Locale.ROOT, "  (a) three-step jobs           %10s jobs/s  (%s steps/s; create → all finished)%n",
                    fmt(run.jobsPerSecond), fmt(3 * run.jobsPerSecond));
            System.out.printf(Locale.ROOT, "      creating them              %10s jobs/s  (202s from %d clients; POST p50 %.2f ms, p99 %.2f ms)%n",
                    fmt(o.jobs / run.createPhaseSeconds), o.clients, run.createP50, run.createP99);
            if (run.cost != null) {
                System.out.printf(Locale.ROOT, "      CPU per job (whole JVM)    %10.3f ms%n", run.cost.cpuMsPerJob());
                System.out.printf(Locale.ROOT, "      store writer CPU per job   %10.3f ms  (the thread%s every write runs on)%n",
                        run.cost.writerMsPerJob(), run.store.equals("sqlite") ? "" : "s");
                System.out.printf(Locale.ROOT, "      HTTP requests per job      %10.2f%n", run.cost.totalPerJob());
                for (String k : run.cost.requests().keySet()) {
                    System.out.printf(Locale.ROOT, "        %-60s %6.2f%n", k, run.cost.perJob(k));
                }
            }
        }
        Latency l = run.latency;
        if (l != null) {
            System.out.println("  (b) latency at low load, one at a time (ms)      p50      p90      p99      max");
            dist("one-step job: POST → finished", l.job());
            dist("bare task:    POST → completed", l.task());
            System.out.printf(Locale.ROOT, "      %-40s %8.2f %8s %8.2f%n", "added by the workflow step",
                    l.job().p50() - l.task().p50(), "", l.job().p99() - l.task().p99());
            dist("server's view, job finished − created", l.jobServer());
            dist("server's view, task completed − created", l.taskServer());
        }
        for (String p : run.problems) System.out.println("  PROBLEM: " + p);
    }

    private static void dist(String label, Dist d) {
        System.out.printf(Locale.ROOT, "      %-40s %8.2f %8.2f %8.2f %8.2f%n", label, d.p50(), d.p90(), d.p99(), d.max());
    }


    /** Everything one run measured; NaN / null where a phase did not run. */
    static final class Run {
        final String store;
        final List<String> problems = new ArrayList<>();
        double jobsPerSecond = Double.NaN;
        double createPhaseSeconds = Double.NaN;
        double createP50;
        double createP99;
        PhaseCost cost;
        Latency latency;

        Run(String store) {
            this.store = store;
        }
    }

    static final class Options {
        static final String USAGE = """
                usage: java -cp 'coxswain-bench/target/coxswain-bench.jar:coxswain-bench/target/lib/*' \\
                           dev.coxswain.bench.WorkflowBench [options]
                  --store sqlite|postgres   store of the in-process server (default sqlite)
                  --db-url URL              PostgreSQL admin JDBC URL; a fresh database coxswain_bench_<random>
                                            is created through it and dropped afterwards (default %s)
                  --db-user NAME            PostgreSQL user when the URL names none (default postgres)
                  --jobs N                  three-step jobs in phase (a) (default 2000)
                  --workers N               CoxswainWorkers (default 4)
                  --concurrency N           tasks in flight per worker (default 4)
                  --clients N               HTTP client threads creating jobs in phase (a) (default 8)
                  --latency-samples N       samples of each kind in phase (b) (default 200)
                  --idle-poll-ms N          worker's wait after an empty poll (default 10)
                  --sqlite-sync full|normal SQLite durability (default full, as the server)
                  --verbose                 keep the server's and workers' INFO logging
                """.formatted(DEFAULT_PG_URL);

        int jobs = 2_000;
        int workers = 4;
        int concurrency = 4;
        int clients = 8;
        int latencySamples = 200;
        int idlePollMillis = 10;
        boolean postgres;
        boolean sqliteFullSync = true;
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
                    case "--jobs" -> o.jobs = positive(args, ++i, a);
                    case "--workers" -> o.workers = positive(args, ++i, a);
                    case "--concurrency" -> o.concurrency = positive(args, ++i, a);
                    case "--clients" -> o.clients = positive(args, ++i, a);
                    case "--latency-samples" -> o.latencySamples = positive(args, ++i, a);
                    case "--idle-poll-ms" -> o.idlePollMillis = positive(args, ++i, a);
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
