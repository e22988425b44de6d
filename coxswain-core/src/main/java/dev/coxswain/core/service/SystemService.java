package dev.coxswain.core.service;

import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.WorkerStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Figures about the whole system, computed from the store. */
public final class SystemService {
    /** Series the metrics endpoint knows, in the order it returns them. */
    public static final List<String> METRICS = List.of("task_completion_rate", "error_rate", "average_execution_time");

    private final Database db;
    private final TaskStore tasks;
    private final WorkerStore workers;
    private final Clock clock;
    private final ZoneId zone;
    private final Duration workerTtl;
    private final Instant startedAt;

    public SystemService(Database db, TaskStore tasks, WorkerStore workers, Clock clock, ZoneId zone, Duration workerTtl) {
        this.db = db;
        this.tasks = tasks;
        this.workers = workers;
        this.clock = clock;
        this.zone = zone;
        this.workerTtl = workerTtl;
        this.startedAt = clock.instant();
    }

    /** @param liveNodes nodes whose local worker heartbeats (each node runs exactly one) */
    public record Status(long uptimeSeconds, boolean databaseHealthy, int connectionCount, String store,
                         Map<WorkerStatus, Long> workers, long liveNodes, Map<TaskStatus, Long> tasks,
                         long completedToday, long failedToday, long[] queueDepths) {
    }

    public Status status() {
        Instant now = clock.instant();
        boolean healthy = db.healthy();
        if (!healthy) {
            return new Status(Duration.between(startedAt, now).toSeconds(), false, db.connectionCount(),
                    db.dialect().name(), Map.of(), 0, Map.of(), 0, 0, new long[3]);
        }
        Instant midnight = LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
        Instant tomorrow = midnight.plus(Duration.ofDays(1)).plusSeconds(3600); // DST-safe upper bound
        return db.read(c -> new Status(Duration.between(startedAt, now).toSeconds(), true, db.connectionCount(),
                db.dialect().name(), workers.countByStatus(c, now),
                workers.countLive(c, now, "local"), tasks.countByStatus(c),
                tasks.countFinished(c, TaskStatus.COMPLETED, midnight, tomorrow),
                tasks.countFinished(c, TaskStatus.FAILED, midnight, tomorrow), tasks.queueDepths(c)));
    }

    public enum Period { HOUR, DAY, WEEK, MONTH }

    public record Point(Instant timestamp, double value) {
    }

    /** Buckets of one period each, oldest first, ending with the bucket that holds now. */
    public record Metrics(Map<String, List<Point>> series, Instant start, Instant end) {
    }

    /** How many buckets each period's window has. */
    static int buckets(Period p) {
        return switch (p) {
            case HOUR -> 24;
            case DAY -> 30;
            case WEEK -> 12;
            case MONTH -> 12;
        };
    }

    /**
     * Per bucket: tasks completed, the failed share of finished tasks, and the mean run time in
     * seconds of finished tasks.
     */
    public Metrics metrics(Period period, List<String> names) {
        ZonedDateTime now = clock.instant().atZone(zone);
        ZonedDateTime last = switch (period) {
            case HOUR -> now.truncatedTo(ChronoUnit.HOURS);
            case DAY -> now.truncatedTo(ChronoUnit.DAYS);
            case WEEK -> now.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
            case MONTH -> now.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        };
        int n = buckets(period);
        List<ZonedDateTime> starts = new ArrayList<>(n + 1);
        for (int i = n - 1; i >= -1; i--) starts.add(minus(last, period, i));
        Map<String, List<Point>> series = new LinkedHashMap<>();
        for (String name : names) series.put(name, new ArrayList<>(n));
        Instant[] bounds = new Instant[n + 1];
        for (int i = 0; i <= n; i++) bounds[i] = starts.get(i).toInstant();
        db.read(c -> {
            List<double[]> stats = tasks.bucketStats(c, bounds); // every bucket in one read of the rollups
            for (int i = 0; i < n; i++) {
                Instant from = bounds[i];
                double[] s = stats.get(i);
                double finished = s[0] + s[1];
                for (String name : names) {
                    double v = switch (name) {
                        case "task_completion_rate" -> s[0];
                        case "error_rate" -> finished == 0 ? 0 : round(s[1] / finished);
                        case "average_execution_time" -> round(s[2] / 1000.0);
                        default -> throw new IllegalArgumentException(name);
                    };
                    series.get(name).add(new Point(from, v));
                }
            }
            return null;
        });
        return new Metrics(series, starts.get(0).toInstant(), starts.get(n - 1).toInstant());
    }

    private static ZonedDateTime minus(ZonedDateTime t, Period p, int k) {
        return switch (p) {
            case HOUR -> t.minusHours(k);
            case DAY -> t.minusDays(k);
            case WEEK -> t.minusWeeks(k);
            case MONTH -> t.minusMonths(k);
        };
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
