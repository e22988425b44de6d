package dev.coxswain.server.metrics;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.service.SystemService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's Prometheus metrics (Micrometer): task attempts by type and outcome, execution and
 * dispatch-latency histograms, running tasks, queue depth by priority band, workers and tasks by
 * status, HTTP requests by face, route and status, and the JVM's own. Store-backed gauges are read
 * once per scrape, from one snapshot, so a scrape costs one status query and not one per series.
 */
public final class ServerMetrics implements EngineObserver, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ServerMetrics.class.getName());
    static final String[] BANDS = {"high", "normal", "low"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final AtomicLong[] queueDepth = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    private final Map<WorkerStatus, AtomicLong> workers = new EnumMap<>(WorkerStatus.class);
    private final Map<TaskStatus, AtomicLong> tasks = new EnumMap<>(TaskStatus.class);
    private final AtomicLong storeUp = new AtomicLong();
    private volatile Supplier<SystemService.Status> status;
    /**
     * Longest duration a timer is given. Micrometer keeps nanoseconds in a long (about 292 years):
     * a task due three centuries ago made {@code record} throw "long overflow".
     */
    static final Duration MAX_RECORDED = Duration.ofDays(36_500);

    public ServerMetrics() {
        prometheusNames();
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (int i = 0; i < BANDS.length; i++) {
            AtomicLong v = queueDepth[i];
            Gauge.builder("coxswain.queue.depth", v, AtomicLong::get).description("queued tasks by priority band")
                    .tag("band", BANDS[i]).register(registry);
        }
        for (WorkerStatus s : WorkerStatus.values()) {
            AtomicLong v = new AtomicLong();
            workers.put(s, v);
            Gauge.builder("coxswain.workers", v, AtomicLong::get).description("workers by status")
                    .tag("status", s.wire()).register(registry);
        }
        for (TaskStatus s : TaskStatus.values()) {
            AtomicLong v = new AtomicLong();
            tasks.put(s, v);
            Gauge.builder("coxswain.tasks", v, AtomicLong::get).description("tasks in the store by status")
                    .tag("status", s.wire()).register(registry);
        }
        Gauge.builder("coxswain.store.up", storeUp, AtomicLong::get).description("1 when the store answers")
                .register(registry);
    }

    /**
     * Keeps what Micrometer's binders export within Prometheus' naming rules ({@code promtool
     * check metrics}): its process CPU time counts nanoseconds ({@code process_cpu_time_ns_total},
     * an abbreviated non-base unit), so it is replaced by the conventional
     * {@code process_cpu_seconds_total}; {@code system_cpu_count} is a gauge with a suffix reserved
     * for histograms and summaries, so it becomes {@code system_cpus}.
     */
    private void prometheusNames() {
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by the server process").register(registry);
        }
    }

    /** Where the store-backed gauges come from; read at each scrape. */
    public void readStatusFrom(Supplier<SystemService.Status> source) {
        this.status = source;
    }

    /** Gauges over live objects (e.g. the local worker's running attempts). */
    public <T> void gauge(String name, String description, T obj, java.util.function.ToDoubleFunction<T> f) {
        Gauge.builder(name, obj, f).description(description).register(registry);
    }

    @Override
    public void attemptStarted(Task t, Duration latency) {
        Timer.builder("coxswain.dispatch.latency").description("from due (run_at) to start on a worker")
                .tag("type", t.type()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry).record(recordable(latency));
        Counter.builder("coxswain.task.attempts.started").description("attempts started on this node")
                .tag("type", t.type()).register(registry).increment();
    }

    @Override
    public void attemptFinished(Task t, AttemptOutcome outcome, Duration took) {
        String o = outcome.name().toLowerCase(Locale.ROOT);
        Counter.builder("coxswain.task.attempts").description("attempts finished on this node, by type and outcome")
                .tag("type", t.type()).tag("outcome", o).register(registry).increment();
        Timer.builder("coxswain.task.duration").description("attempt execution time")
                .tag("type", t.type()).tag("outcome", o).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(2))
                .register(registry).record(recordable(took));
    }

    @Override
    public void slotFired(Duration lateness) {
        Timer.builder("coxswain.schedule.fire.lateness").description("from a schedule slot's time to its run committed")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry).record(recordable(lateness));
    }

    @Override
    public void webhookAttempt(String event, String outcome) {
        Counter.builder("coxswain.webhook.deliveries").description("webhook delivery attempts by event and outcome")
                .tag("event", event).tag("outcome", outcome).register(registry).increment();
    }

    /** {@code d} within what a timer can hold: negatives (clock steps) as zero, huge ones capped. */
    static Duration recordable(Duration d) {
        if (d == null || d.isNegative()) return Duration.ZERO;
        return d.compareTo(MAX_RECORDED) > 0 ? MAX_RECORDED : d;
    }

    /** One answered HTTP request; {@code route} is the route template, never the raw path. */
    public void httpRequest(String face, String method, String route, int status, long nanos) {
        Timer.builder("coxswain.http.requests").description("HTTP requests by face, route and status")
                .tag("face", face).tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    private void refresh() {
        Supplier<SystemService.Status> src = status;
        if (src == null) return;
        try {
            SystemService.Status s = src.get();
            storeUp.set(s.databaseHealthy() ? 1 : 0);
            for (int i = 0; i < BANDS.length; i++) queueDepth[i].set(s.queueDepths()[i]);
            workers.forEach((k, v) -> v.set(s.workers().getOrDefault(k, 0L)));
            tasks.forEach((k, v) -> v.set(s.tasks().getOrDefault(k, 0L)));
        } catch (RuntimeException e) {
            storeUp.set(0);
            LOG.log(Level.WARNING, "metrics: reading the store failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
