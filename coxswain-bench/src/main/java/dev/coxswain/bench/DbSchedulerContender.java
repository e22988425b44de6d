package dev.coxswain.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * db-scheduler (com.github.kagkarlsson:db-scheduler) on a scratch PostgreSQL database, set up as
 * {@code shared/peerbench} runs it (its {@code run.sh}): 10 executor threads, lock-and-fetch
 * polling (lower 1.0, upper 4.0), polling interval 1 s, immediate execution on, a fixed-size
 * HikariCP pool of threads + 5 connections with autocommit. One one-time task, {@code noop},
 * without data: its body counts itself and, once asked to, records when it started.
 */
final class DbSchedulerContender implements Contender {
    /** The library's one table, its columns as the library reads and writes them. */
    private static final String SCHEMA = """
            CREATE TABLE scheduled_tasks (
                task_name            text                     NOT NULL,
                task_instance        text                     NOT NULL,
                task_data            bytea,
                execution_time       timestamp with time zone NOT NULL,
                picked               boolean                  NOT NULL,
                picked_by            text,
                last_success         timestamp with time zone,
                last_failure         timestamp with time zone,
                consecutive_failures integer,
                last_heartbeat       timestamp with time zone,
                version              bigint                   NOT NULL,
                priority             smallint,
                PRIMARY KEY (task_name, task_instance)
            );
            CREATE INDEX scheduled_tasks_due ON scheduled_tasks (execution_time);
            CREATE INDEX scheduled_tasks_heartbeat ON scheduled_tasks (last_heartbeat);
            CREATE INDEX scheduled_tasks_priority_due ON scheduled_tasks (priority DESC, execution_time ASC);
            """;

    private final String adminUrl;
    private final int threads;
    private final double lowerLimit = 1.0;
    private final double upperLimit = 4.0;
    private final Duration pollingInterval = Duration.ofSeconds(1);

    private final AtomicLong bodies = new AtomicLong();
    private final Map<String, CompletableFuture<Long>> starts = new ConcurrentHashMap<>();
    private volatile boolean tracking;
    private final OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, ctx) -> body(instance.getId()));

    private ScratchDatabase scratch;
    private HikariDataSource pool;
    private Scheduler scheduler;
    private SchedulerClient client;

    DbSchedulerContender(String adminUrl, int threads) {
        this.adminUrl = adminUrl;
        this.threads = threads;
    }

    private void body(String id) {
        long now = System.nanoTime();
        bodies.incrementAndGet();
        if (tracking) starts.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(now);
    }

    @Override
    public String label() {
        return "db-scheduler";
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("library", "db-scheduler " + version() + " on PostgreSQL, fresh database per phase");
        m.put("scheduler", threads + " threads, pollUsingLockAndFetch(" + lowerLimit + ", " + upperLimit
                + "), pollingInterval " + pollingInterval.toMillis() + " ms, enableImmediateExecution");
        m.put("pool", "HikariCP, fixed " + poolSize() + " connections (threads + 5), autocommit");
        m.put("batch API", "SchedulerClient.scheduleBatch(List<TaskInstance>, now)");
        m.put("single submit", "Scheduler.schedule(TaskInstance, now) on the running scheduler");
        return m;
    }

    private int poolSize() {
        return threads + 5;
    }

    private static String version() {
        String v = Scheduler.class.getPackage().getImplementationVersion();
        return v == null ? "16.12.0" : v;
    }

    @Override
    public void prepare() throws SQLException {
        scratch = ScratchDatabase.create(adminUrl, "dbscheduler_sxs");
        try (Connection c = DriverManager.getConnection(scratch.url()); Statement st = c.createStatement()) {
            st.execute(SCHEMA);
        }
    }

    @Override
    public void open() {
        bodies.set(0);
        starts.clear();
        tracking = false;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(scratch.url());
        hc.setMaximumPoolSize(poolSize());
        hc.setMinimumIdle(poolSize());
        hc.setAutoCommit(true);
        hc.setPoolName("db-scheduler");
        pool = new HikariDataSource(hc);
        client = SchedulerClient.Builder.create(pool, noop).build();
        scheduler = Scheduler.create(pool, noop)
                .threads(threads)
                .pollUsingLockAndFetch(lowerLimit, upperLimit)
                .pollingInterval(pollingInterval)
                .schedulerName(new SchedulerName.Fixed("side-by-side"))
                .enableImmediateExecution()
                .build();
    }

    @Override
    public void enqueueBatch(int first, int count) {
        List<TaskInstance<?>> batch = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) batch.add(noop.instance("b" + i));
        client.scheduleBatch(batch, Instant.now());
    }

    @Override
    public void analyze() throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("ANALYZE");
        }
    }

    @Override
    public void startWorkers() {
        scheduler.start();
    }

    @Override
    public long bodiesRun() {
        return bodies.get();
    }

    @Override
    public boolean anyUnfinished() throws SQLException {
        // A one-time task's row is deleted when it completes.
        return left() > 0;
    }

    private long left() throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM scheduled_tasks")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public Submitted submitNow(int i) {
        tracking = true;
        String id = "s" + i;
        CompletableFuture<Long> started = starts.computeIfAbsent(id, k -> new CompletableFuture<>());
        // Through the running Scheduler, not a SchedulerClient: only the scheduler's own call
        // wakes its executors at once (enableImmediateExecution).
        scheduler.schedule(noop.instance(id), Instant.now());
        return max -> {
            try {
                return started.get(max.toNanos(), TimeUnit.NANOSECONDS);
            } finally {
                starts.remove(id);
            }
        };
    }

    @Override
    public String checkDone() throws SQLException {
        long left = left();
        return left == 0 ? null : left + " task(s) still in scheduled_tasks";
    }

    @Override
    public void release() {
        try {
            if (scheduler != null) scheduler.stop();
        } finally {
            scheduler = null;
            client = null;
            if (pool != null) pool.close();
            pool = null;
        }
    }

    @Override
    public Map<String, TableWrites.Counts> tableWrites() throws Exception {
        return TableWrites.settled(scratch.url());
    }

    @Override
    public void dispose() {
        if (scratch != null) scratch.close();
        scratch = null;
    }
}
