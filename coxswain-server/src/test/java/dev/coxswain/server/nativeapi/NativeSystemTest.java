package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.nativeapi.ApiServer.Resp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.nativeapi.ApiServer.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code GET /system/status} and {@code GET /system/metrics}. The server runs on a clock that
 * stands still at Tuesday 2030-01-15 10:30 UTC (the test moves it by a few seconds at most), so
 * "today", the metric buckets and run times are exact; its worker runs one task at a time, so a
 * running task keeps the others queued.
 */
class NativeSystemTest {
    static final Instant NOW = Instant.parse("2030-01-15T10:30:00Z");

    @TempDir
    static Path dir;
    @TempDir
    static Path gates;
    static MutableClock clock;
    static ApiServer api;

    @BeforeAll
    static void start() {
        clock = new MutableClock(NOW);
        api = ApiServer.start(ApiServer.config(dir, null, 1, 1 << 20), clock);
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
    }

    static JsonNode status() {
        return Shapes.ok(api.get("/api/system/status"), 200);
    }

    // ---- status -------------------------------------------------------------------------------

    @Test
    void statusHasEveryDocumentedField() {
        JsonNode s = status();
        Shapes.string(s, "status");
        assertThat(s.get("status").asText()).isEqualTo("healthy");
        Shapes.string(s, "version");
        assertThat(s.get("version").asText()).isNotBlank();
        Shapes.integer(s, "uptime");
        assertThat(s.get("uptime").asLong()).isGreaterThanOrEqualTo(0);

        JsonNode c = s.get("components");
        assertThat(c).isNotNull();
        JsonNode apiServer = c.get("api_server");
        Shapes.string(apiServer, "status");
        assertThat(apiServer.get("status").asText()).isEqualTo("healthy");
        Shapes.integer(apiServer, "instance_count");
        assertThat(apiServer.get("instance_count").asInt()).isEqualTo(1);
        JsonNode scheduler = c.get("scheduler");
        Shapes.string(scheduler, "status");
        assertThat(scheduler.get("status").asText()).isEqualTo("healthy");
        Shapes.string(scheduler, "leader_id");
        Shapes.integer(scheduler, "instance_count");
        JsonNode workers = c.get("workers");
        Shapes.string(workers, "status");
        assertThat(workers.get("status").asText()).isEqualTo("healthy");
        for (String f : List.of("active_count", "idle_count", "offline_count")) Shapes.integer(workers, f);
        assertThat(workers.get("active_count").asInt() + workers.get("idle_count").asInt()).isEqualTo(1);
        assertThat(workers.get("offline_count").asInt()).isZero();
        JsonNode database = c.get("database");
        Shapes.string(database, "status");
        assertThat(database.get("status").asText()).isEqualTo("healthy");
        Shapes.integer(database, "connection_count");
        JsonNode redis = c.get("redis");
        assertThat(redis).as("components.redis").isNotNull();
        Shapes.string(redis, "status");
        assertThat(redis.has("memory_usage")).isTrue();

        JsonNode ts = s.get("task_stats");
        for (String f : List.of("pending", "running", "completed_today", "failed_today")) Shapes.integer(ts, f);
        JsonNode q = s.get("queue_depths");
        for (String f : List.of("high_priority", "normal_priority", "low_priority")) Shapes.integer(q, f);
    }

    @Test
    void uptimeFollowsTheClock() {
        long before = status().get("uptime").asLong();
        clock.advance(Duration.ofSeconds(7));
        assertThat(status().get("uptime").asLong()).isEqualTo(before + 7);
    }

    @Test
    void taskCountsQueueDepthsAndWorkerCountsFollowTheTasks() throws IOException {
        JsonNode s0 = status();
        Path gate = gates.resolve("status-gate");
        String blocker = api.create(task("blocker", "while [ ! -f '" + gate + "' ]; do sleep 0.05; done")).get("id").asText();
        List<String> queued = new ArrayList<>();
        try {
            api.awaitStatus(blocker, "running");
            for (int p : new int[]{10, 9, 5, 4, 1}) {
                ObjectNode b = task("queued-" + p, "echo " + p);
                b.put("priority", p);
                queued.add(api.create(b).get("id").asText());
            }
            queued.forEach(id -> assertThat(api.getTask(id).get("status").asText()).isEqualTo("queued"));
            String parked = api.createParked("parked").get("id").asText();

            JsonNode s = status();
            JsonNode ts = s.get("task_stats");
            assertThat(ts.get("running").asLong()).isEqualTo(1);
            assertThat(ts.get("pending").asLong()).isEqualTo(s0.get("task_stats").get("pending").asLong() + 6);
            JsonNode q = s.get("queue_depths");
            JsonNode q0 = s0.get("queue_depths");
            assertThat(q.get("high_priority").asLong()).isEqualTo(q0.get("high_priority").asLong() + 1);
            assertThat(q.get("normal_priority").asLong()).isEqualTo(q0.get("normal_priority").asLong() + 2);
            assertThat(q.get("low_priority").asLong()).isEqualTo(q0.get("low_priority").asLong() + 2);
            JsonNode workers = s.get("components").get("workers");
            assertThat(workers.get("active_count").asInt()).isEqualTo(1);
            assertThat(workers.get("idle_count").asInt()).isZero();
            Shapes.ok(api.post("/api/tasks/" + parked + "/cancel"), 200);
        } finally {
            Files.writeString(gate, "go");
        }
        api.awaitStatus(blocker, "completed");
        for (String id : queued) api.awaitStatus(id, "completed");
        ObjectNode bad = task("fails-today", "exit 1");
        bad.put("max_retries", 0);
        api.awaitStatus(api.create(bad).get("id").asText(), "failed");

        JsonNode s = status();
        JsonNode ts = s.get("task_stats");
        JsonNode ts0 = s0.get("task_stats");
        assertThat(ts.get("running").asLong()).isZero();
        assertThat(ts.get("pending").asLong()).isEqualTo(ts0.get("pending").asLong());
        assertThat(ts.get("completed_today").asLong()).isEqualTo(ts0.get("completed_today").asLong() + 6);
        assertThat(ts.get("failed_today").asLong()).isEqualTo(ts0.get("failed_today").asLong() + 1);
        assertThat(s.get("queue_depths")).isEqualTo(s0.get("queue_depths"));
        JsonNode workers = s.get("components").get("workers");
        assertThat(workers.get("idle_count").asInt()).isEqualTo(1);
        assertThat(workers.get("active_count").asInt()).isZero();
    }

    // ---- metrics ------------------------------------------------------------------------------

    @Test
    void metricsBucketsForEachPeriod() {
        assertBuckets(api.get("/api/system/metrics?period=hour"), "hour", 24, "2030-01-14T11:00:00Z", "2030-01-15T10:00:00Z");
        assertBuckets(api.get("/api/system/metrics?period=day"), "day", 30, "2029-12-17T00:00:00Z", "2030-01-15T00:00:00Z");
        assertBuckets(api.get("/api/system/metrics?period=week"), "week", 12, "2029-10-29T00:00:00Z", "2030-01-14T00:00:00Z");
        assertBuckets(api.get("/api/system/metrics?period=month"), "month", 12, "2029-02-01T00:00:00Z", "2030-01-01T00:00:00Z");
        // Without a period: hourly.
        assertBuckets(api.get("/api/system/metrics"), "hour", 24, "2030-01-14T11:00:00Z", "2030-01-15T10:00:00Z");
    }

    private static void assertBuckets(Resp r, String period, int n, String first, String last) {
        JsonNode data = Shapes.ok(r, 200);
        assertThat(iterable(data.fieldNames()))
                .containsExactly("task_completion_rate", "error_rate", "average_execution_time");
        for (String series : List.of("task_completion_rate", "error_rate", "average_execution_time")) {
            JsonNode points = data.get(series);
            assertThat(points.isArray()).as(series).isTrue();
            assertThat(points).as("%s %s", period, series).hasSize(n);
            Instant prev = null;
            for (JsonNode p : points) {
                Shapes.time(p.get("timestamp"), series + " timestamp");
                Shapes.number(p, "value");
                Instant t = Instant.parse(p.get("timestamp").asText());
                if (prev != null) assertThat(t).isAfter(prev);
                prev = t;
            }
            assertThat(points.get(0).get("timestamp").asText()).as("%s first", period).isEqualTo(first);
            assertThat(points.get(n - 1).get("timestamp").asText()).as("%s last", period).isEqualTo(last);
        }
        JsonNode meta = r.meta();
        assertThat(meta).isNotNull();
        assertThat(meta.get("period").asText()).isEqualTo(period);
        Shapes.time(meta.get("start_time"), "start_time");
        Shapes.time(meta.get("end_time"), "end_time");
        assertThat(meta.get("start_time").asText()).isEqualTo(first);
        assertThat(meta.get("end_time").asText()).isEqualTo(last);
    }

    @Test
    void metricsValuesMatchTheFinishedTasks() throws IOException {
        // One task that runs for 4 seconds of the server's clock, one that fails at once.
        Path gate = gates.resolve("metrics-gate");
        String slow = api.create(task("slow", "while [ ! -f '" + gate + "' ]; do sleep 0.05; done")).get("id").asText();
        try {
            api.awaitStatus(slow, "running");
            clock.advance(Duration.ofSeconds(4));
        } finally {
            Files.writeString(gate, "go");
        }
        JsonNode slowDone = api.awaitStatus(slow, "completed");
        assertThat(Duration.between(Instant.parse(slowDone.get("started_at").asText()),
                Instant.parse(slowDone.get("completed_at").asText()))).isEqualTo(Duration.ofSeconds(4));
        ObjectNode bad = task("metric-fail", "exit 1");
        bad.put("max_retries", 0);
        api.awaitStatus(api.create(bad).get("id").asText(), "failed");

        // Every task of this server finished in the current hour, day, week and month.
        List<JsonNode> finished = new ArrayList<>();
        for (String st : List.of("completed", "failed")) {
            Resp r = api.get("/api/tasks?status=" + st + "&limit=100");
            assertThat(r.meta().get("total").asInt()).isLessThanOrEqualTo(100);
            Shapes.ok(r, 200).forEach(finished::add);
        }
        long completed = finished.stream().filter(t -> t.get("status").asText().equals("completed")).count();
        long failed = finished.size() - completed;
        double avgSeconds = finished.stream().filter(t -> !t.get("started_at").isNull())
                .mapToLong(t -> Duration.between(Instant.parse(t.get("started_at").asText()),
                        Instant.parse(t.get("completed_at").asText())).toSeconds())
                .average().orElse(0);
        assertThat(avgSeconds).isPositive();

        for (String period : List.of("hour", "day", "week", "month")) {
            JsonNode data = Shapes.ok(api.get("/api/system/metrics?period=" + period), 200);
            JsonNode rate = data.get("task_completion_rate");
            JsonNode errors = data.get("error_rate");
            JsonNode avg = data.get("average_execution_time");
            int last = rate.size() - 1;
            assertThat(rate.get(last).get("value").asDouble()).as(period).isEqualTo((double) completed);
            assertThat(errors.get(last).get("value").asDouble()).as(period)
                    .isCloseTo((double) failed / (completed + failed), within(0.001));
            assertThat(avg.get(last).get("value").asDouble()).as(period).isCloseTo(avgSeconds, within(0.001));
            for (int i = 0; i < last; i++) {
                assertThat(rate.get(i).get("value").asDouble()).as("%s bucket %d", period, i).isZero();
                assertThat(errors.get(i).get("value").asDouble()).isZero();
                assertThat(avg.get(i).get("value").asDouble()).isZero();
            }
        }
    }

    @Test
    void metricsFilterReturnsOnlyTheNamedSeries() {
        JsonNode one = Shapes.ok(api.get("/api/system/metrics?metrics=error_rate"), 200);
        assertThat(iterable(one.fieldNames())).containsExactly("error_rate");
        assertThat(one.get("error_rate")).hasSize(24);

        JsonNode two = Shapes.ok(api.get("/api/system/metrics?period=day&metrics=task_completion_rate,average_execution_time"), 200);
        assertThat(iterable(two.fieldNames())).containsExactlyInAnyOrder("task_completion_rate", "average_execution_time");
        assertThat(two.get("average_execution_time")).hasSize(30);

        JsonNode spaced = Shapes.ok(api.get("/api/system/metrics?metrics=error_rate,%20task_completion_rate"), 200);
        assertThat(iterable(spaced.fieldNames())).containsExactlyInAnyOrder("error_rate", "task_completion_rate");
    }

    @Test
    void metricsBadParametersAre400() {
        Shapes.badParam(api.get("/api/system/metrics?period=year"), "period");
        Shapes.badParam(api.get("/api/system/metrics?period=hours"), "period");
        Shapes.badParam(api.get("/api/system/metrics?metrics=bogus"), "metrics");
        Shapes.badParam(api.get("/api/system/metrics?metrics=error_rate,bogus"), "metrics");
        Shapes.badParam(api.get("/api/system/metrics?metrics=,"), "metrics");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
