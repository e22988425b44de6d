package dev.coxswain.worker;

import static dev.coxswain.worker.Workers.json;
import static dev.coxswain.worker.Workers.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cancels, lost sessions, rate limits, expired tokens, flaky result posts and shutdown. */
class WorkerRecoveryTest {
    private MockWorkerServer server;
    private CoxswainWorker worker;

    @BeforeEach
    void startServer() throws Exception {
        server = new MockWorkerServer();
    }

    @AfterEach
    void stop() {
        if (worker != null) worker.close();
        server.close();
        assertThat(server.exchanges()).as("every signed body verifies with the master token")
                .allSatisfy(e -> assertThat(e.signatureValid()).as(e.route() + " " + e.text()).isNotEqualTo(Boolean.FALSE));
    }

    @Test
    void aHeartbeatCancelInterruptsTheHandlerAndPostsCancelled() throws Exception {
        server.enqueueTask(task(5, "sleep", null));
        AtomicBoolean interrupted = new AtomicBoolean();
        worker = Workers.builder(server)
                .heartbeatInterval(Duration.ofMillis(100))
                .skill("sleep", ctx -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.set(ctx.isCancelled());
                        throw e;
                    }
                    return null;
                })
                .build().start();
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.runningTasks().contains("task-5.1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.bodies("heartbeat").stream()
                .anyMatch(h -> h.path("current_tasks").toString().equals("[\"task-5.1\"]")));

        server.cancelOnNextHeartbeat("task-5.1");

        await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("result").isEmpty());
        JsonNode result = server.bodies("result").getFirst();
        assertThat(result.path("status").asText()).isEqualTo("cancelled");
        assertThat(result.path("task_id").asText()).isEqualTo("task-5.1");
        assertThat(result.has("error")).isFalse();
        assertThat(result.has("data")).isFalse();
        assertThat(interrupted).isTrue();
        assertThat(worker.runningTasks()).isEmpty();
    }

    @Test
    void aHeartbeatAnswered404MakesTheWorkerRegisterAgain() throws Exception {
        worker = Workers.builder(server)
                .heartbeatInterval(Duration.ofMillis(100))
                .skill("echo", ctx -> ctx.params())
                .build().start();
        assertThat(worker.awaitRegistered(Duration.ofSeconds(5))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("heartbeat").size() >= 1);

        server.script("heartbeat", 404, "{\"error\":\"Worker not found\"}");

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("register").size() == 2);
        int lost = server.exchanges().indexOf(server.requests("heartbeat").stream().filter(h -> h.status() == 404).findFirst().orElseThrow());
        int again = server.exchanges().indexOf(server.requests("register").get(1));
        assertThat(again).isGreaterThan(lost);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.exchanges().subList(again, server.exchanges().size()).stream()
                .anyMatch(e -> e.route().equals("heartbeat") && e.status() == 200));
    }

    @Test
    void requireFullSyncMakesTheNextHeartbeatCarryTheSkills() throws Exception {
        server.script("heartbeat", 200, "{\"status\":\"ok\",\"require_full_sync\":true}");
        worker = Workers.builder(server)
                .heartbeatInterval(Duration.ofMillis(100))
                .skill("echo", ctx -> ctx.params())
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("heartbeat").size() >= 3);
        List<JsonNode> beats = server.bodies("heartbeat");
        assertThat(beats.get(0).has("supported_skills")).as("registration already carried them").isFalse();
        assertThat(beats.get(1).path("supported_skills")).isEqualTo(json("[{\"name\":\"echo\",\"type\":\"echo\"}]"));
        assertThat(beats.get(2).has("supported_skills")).as("acknowledged by the second answer").isFalse();
        assertThat(beats).allSatisfy(b -> {
            assertThat(b.path("status").asText()).isEqualTo("idle");
            assertThat(b.path("usage")).isEqualTo(json("{\"cpu_load_percent\":12.5,\"ram_used_gb\":3.25}"));
            assertThat(b.path("skills_hash").asText()).isEqualTo(server.bodies("register").getFirst().path("skills_hash").asText());
        });
    }

    @Test
    void aRateLimitedPollWaitsForRetryAfter() throws Exception {
        server.script("poll", 429, "{\"error\":\"Too Many Requests\",\"code\":\"LIMIT_EXCEEDED_ERROR\"}", Map.of("Retry-After", "1"));
        worker = Workers.builder(server).skill("echo", ctx -> ctx.params()).build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("poll").size() >= 2);
        List<MockWorkerServer.Exchange> polls = server.requests("poll");
        assertThat(polls.get(0).status()).isEqualTo(429);
        assertThat(Duration.ofNanos(polls.get(1).nanos() - polls.get(0).nanos())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void a401IsAnsweredWithAnStsTokenAndOneRetryThenARefresh() throws Exception {
        server.script("register", 401, "{\"error\":\"Unauthorized: token expired\"}");
        worker = Workers.builder(server)
                .heartbeatInterval(Duration.ofMillis(100))
                .skill("echo", ctx -> ctx.params())
                .build().start();
        assertThat(worker.awaitRegistered(Duration.ofSeconds(5))).isTrue();

        List<MockWorkerServer.Exchange> registers = server.requests("register");
        assertThat(registers).hasSize(2);
        assertThat(registers.get(0).header("X-Worker-Token")).isEqualTo(MockWorkerServer.TOKEN);
        assertThat(registers.get(1).header("X-Worker-Token")).isEqualTo("sts-access-1");
        assertThat(registers.get(1).body()).as("the retry resends the same signed bytes").isEqualTo(registers.get(0).body());
        MockWorkerServer.Exchange exchange = server.requests("sts-token").getFirst();
        assertThat(exchange.header("X-Worker-Token")).isEqualTo(MockWorkerServer.TOKEN);
        assertThat(exchange.body()).isEmpty();

        await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("heartbeat").isEmpty());
        server.script("heartbeat", 401, "{\"error\":\"Unauthorized: token expired\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("sts-refresh").isEmpty());
        assertThat(server.bodies("sts-refresh").getFirst()).isEqualTo(json("{\"refresh_token\":\"sts-refresh-1\"}"));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("heartbeat").stream()
                .anyMatch(h -> h.status() == 200 && "sts-access-2".equals(h.header("X-Worker-Token"))));
        assertThat(server.requests("register")).as("a refreshed token needs no new registration").hasSize(2);
    }

    @Test
    void aRefusedRefreshTokenFallsBackToTheMasterToken() throws Exception {
        server.script("register", 401, "{\"error\":\"Unauthorized: token expired\"}");
        worker = Workers.builder(server)
                .heartbeatInterval(Duration.ofMillis(100))
                .skill("echo", ctx -> ctx.params())
                .build().start();
        assertThat(worker.awaitRegistered(Duration.ofSeconds(5))).isTrue();

        server.script("heartbeat", 401, "{\"error\":\"Unauthorized: token expired\"}");
        server.script("sts-refresh", 403, "{\"error\":\"Unauthorized: refresh token expired\"}");

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("sts-token").size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("heartbeat").stream()
                .anyMatch(h -> h.status() == 200 && "sts-access-2".equals(h.header("X-Worker-Token"))));
    }

    @Test
    void failedResultPostsAreRetriedAndIgnoredOnesAreNot() throws Exception {
        server.script("result", 503, "{\"error\":\"busy\"}");
        server.script("result", 429, "{\"error\":\"Too Many Requests\"}", Map.of("Retry-After", "0.2"));
        server.enqueueTask(task(1, "echo", json("{\"x\":1}")));
        worker = Workers.builder(server).skill("echo", ctx -> ctx.params()).build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 3);
        List<MockWorkerServer.Exchange> tries = server.requests("result");
        assertThat(tries).extracting(MockWorkerServer.Exchange::status).containsExactly(503, 429, 200);
        assertThat(Duration.ofNanos(tries.get(2).nanos() - tries.get(1).nanos())).isGreaterThanOrEqualTo(Duration.ofMillis(190));

        server.script("result", 200, "{\"status\":\"ignored\",\"reason\":\"stale_task\",\"message\":\"Task is stale\"}");
        server.enqueueTask(task(2, "echo", null));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 4);
        await("an ignored result is not sent again").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .until(() -> server.requests("result").size() == 4);
    }

    @Test
    void closeHandsBackARunningTaskAsReleasedThenSignsOff() throws Exception {
        server.enqueueTask(task(9, "slow", null));
        worker = Workers.builder(server)
                .shutdownGracePeriod(Duration.ofMillis(200))
                .skill("slow", ctx -> {
                    ctx.awaitCancellation(Duration.ofMinutes(1));
                    ctx.throwIfCancelled();
                    return Map.of("finished", true);
                })
                .build().start();
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.runningTasks().contains("task-9.1"));

        long started = System.nanoTime();
        worker.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));

        JsonNode result = server.bodies("result").getFirst();
        assertThat(result.path("status").asText()).isEqualTo("released");
        assertThat(result.path("task_id").asText()).isEqualTo("task-9.1");
        List<MockWorkerServer.Exchange> all = server.exchanges();
        MockWorkerServer.Exchange last = all.getLast();
        assertThat(last.route()).isEqualTo("heartbeat");
        assertThat(last.json().path("status").asText()).isEqualTo("offline");
        assertThat(last.json().path("supported_skills")).isEqualTo(json("[]"));
        assertThat(last.json().path("current_tasks")).isEqualTo(json("[]"));
        assertThat(all.indexOf(server.requests("result").getFirst())).isLessThan(all.size() - 1);
    }

    @Test
    void closeWaitsForAHandlerThatFinishesWithinTheGracePeriod() throws Exception {
        server.enqueueTask(task(4, "short", null));
        AtomicBoolean inside = new AtomicBoolean();
        worker = Workers.builder(server)
                .shutdownGracePeriod(Duration.ofSeconds(3))
                .skill("short", ctx -> {
                    inside.set(true);
                    boolean cancelled = ctx.awaitCancellation(Duration.ofMillis(300));
                    return Map.of("cancelled", cancelled);
                })
                .build().start();
        await().atMost(Duration.ofSeconds(5)).untilTrue(inside);

        worker.close();

        assertThat(server.bodies("result")).singleElement()
                .satisfies(r -> assertThat(r.path("data")).isEqualTo(json("{\"cancelled\":false}")));
        assertThat(server.exchanges().getLast().json().path("status").asText()).isEqualTo("offline");
    }

    @Test
    void registrationIsRetriedUntilTheServerTakesIt() throws Exception {
        server.script("register", 500, "{\"error\":\"starting up\"}");
        server.script("register", 503, "{\"error\":\"starting up\"}");
        worker = Workers.builder(server).skill("echo", ctx -> ctx.params()).build().start();

        assertThat(worker.awaitRegistered(Duration.ofSeconds(5))).isTrue();
        List<MockWorkerServer.Exchange> registers = server.requests("register");
        assertThat(registers).extracting(MockWorkerServer.Exchange::status).containsExactly(500, 503, 200);
        assertThat(Duration.ofNanos(registers.get(2).nanos() - registers.get(1).nanos()))
                .as("the wait doubles").isGreaterThanOrEqualTo(Duration.ofMillis(95));
        await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("poll").isEmpty());
        assertThat(server.requests("poll").getFirst().nanos()).as("no poll before registration").isGreaterThan(registers.get(2).nanos());
    }
}
