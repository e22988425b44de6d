package dev.coxswain.bench;

import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coxswain's {@link Engine} on PostgreSQL (a scratch database, the server's pool) or SQLite (a
 * temporary directory), with the benchmark's {@code noop} task type ({@link NoopExecutor}).
 */
final class CoxswainContender implements Contender {
    private final boolean postgres;
    private final String adminUrl;
    private final boolean sqliteFullSync;
    private final int concurrency;

    private ScratchDatabase scratch;
    private Path dir;
    private Database db;
    private Engine engine;
    private TaskService tasks;
    private NoopExecutor noop;
    private boolean tracking;

    private CoxswainContender(boolean postgres, String adminUrl, boolean sqliteFullSync, int concurrency) {
        this.postgres = postgres;
        this.adminUrl = adminUrl;
        this.sqliteFullSync = sqliteFullSync;
        this.concurrency = concurrency;
    }

    static CoxswainContender postgres(String adminUrl, int concurrency) {
        return new CoxswainContender(true, adminUrl, true, concurrency);
    }

    static CoxswainContender sqlite(boolean fullSync, int concurrency) {
        return new CoxswainContender(false, null, fullSync, concurrency);
    }

    @Override
    public String label() {
        return postgres ? "Coxswain PG" : "Coxswain SQLite";
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("store", postgres ? "PostgreSQL, fresh database per phase, the server's pool: " + EngineBench.PG_POOL
                + " connections + " + EngineBench.PG_WRITERS + " group-commit writers"
                : "SQLite, fresh temp directory per phase, WAL, synchronous=" + (sqliteFullSync ? "FULL" : "NORMAL"));
        m.put("engine", "one Engine, concurrency " + concurrency + ", task type noop (NoopExecutor)");
        m.put("batch API", "TaskService.createAll(List<NewTask>)");
        m.put("single submit", "TaskService.create(NewTask)");
        return m;
    }

    @Override
    public void prepare() throws Exception {
        // Opening the store runs the migrations; closing it again ends their connections, so
        // the row counts taken now hold the schema's writes and nothing else.
        if (postgres) {
            scratch = ScratchDatabase.create(adminUrl, "coxswain_sxs");
            openStore().close();
        } else {
            dir = Files.createTempDirectory("coxswain-sxs-");
            openStore().close();
        }
    }

    private Database openStore() {
        return postgres
                ? Database.postgres(scratch.url(), null, null, EngineBench.PG_POOL, EngineBench.PG_WRITERS)
                : Database.sqlite(dir, sqliteFullSync);
    }

    @Override
    public void open() {
        db = openStore();
        noop = new NoopExecutor();
        tracking = false;
        Path resources = postgres ? Path.of(System.getProperty("java.io.tmpdir")) : dir;
        EngineConfig cfg = EngineConfig.defaults("side-by-side", "bench", "bench", resources).withConcurrency(concurrency);
        engine = EngineBench.newEngine(db, cfg, noop);
        tasks = engine.tasks();
    }

    @Override
    public void enqueueBatch(int first, int count) {
        List<NewTask> batch = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) batch.add(EngineBench.noopTask(i));
        tasks.createAll(batch);
    }

    @Override
    public void analyze() {
        EngineBench.analyze(db);
    }

    @Override
    public void startWorkers() {
        engine.start();
    }

    @Override
    public long bodiesRun() {
        return noop.executed();
    }

    @Override
    public boolean anyUnfinished() {
        return EngineBench.anyOpen(db);
    }

    @Override
    public Submitted submitNow(int i) {
        if (!tracking) {
            noop.track(true);
            tracking = true;
        }
        Task t = tasks.create(EngineBench.noopTask(i));
        return max -> noop.awaitStart(t.id(), max);
    }

    @Override
    public String checkDone() {
        Map<String, Long> statuses = EngineBench.statusCounts(db);
        long notCompleted = statuses.entrySet().stream().filter(e -> !e.getKey().equals("completed"))
                .mapToLong(Map.Entry::getValue).sum();
        return notCompleted == 0 ? null : notCompleted + " task(s) not completed: " + statuses;
    }

    @Override
    public void release() {
        try {
            if (engine != null) engine.shutdown(Duration.ofSeconds(10));
        } finally {
            engine = null;
            if (db != null) db.close();
            db = null;
        }
    }

    @Override
    public Map<String, TableWrites.Counts> tableWrites() throws Exception {
        return postgres ? TableWrites.settled(scratch.url()) : null;
    }

    @Override
    public void dispose() {
        if (scratch != null) scratch.close();
        scratch = null;
        if (dir != null) EngineBench.deleteTree(dir);
        dir = null;
    }
}
