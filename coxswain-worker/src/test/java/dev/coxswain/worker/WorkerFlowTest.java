package dev.coxswain.worker;

import static dev.coxswain.worker.Workers.json;
import static dev.coxswain.worker.Workers.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.worker.protocol.Protocol;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Register → poll → run → result, and what a handler sees and sends on the way. */
class WorkerFlowTest {
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
    void registersPollsRunsTheHandlerAndPostsTheResult() throws Exception {
        server.enqueueTask(task(1, "echo", json("{\"message\":\"hi\",\"n\":42,\"f\":0.0015,\"nested\":{\"a\":[1,2.5]}}")));
        worker = Workers.builder(server)
                .concurrency(2)
                .workerType("test-worker")
                .skill("echo", "Returns its params.", json("{\"type\":\"object\"}"), ctx -> ctx.params())
                .skill("other", ctx -> null)
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("result").isEmpty());

        JsonNode result = server.bodies("result").getFirst();
        assertThat(result.path("job_id").asText()).isEqualTo("task-1");
        assertThat(result.path("task_id").asText()).isEqualTo("task-1.1");
        assertThat(result.has("status")).as("success is the default status, so it is left out").isFalse();
        assertThat(result.path("data")).isEqualTo(json("{\"message\":\"hi\",\"n\":42,\"f\":0.0015,\"nested\":{\"a\":[1,2.5]}}"));
        assertThat(result.path("costs").path("execution_time_seconds").isNumber()).isTrue();
        assertThat(result.path("worker_id").asText()).isEqualTo(Workers.WORKER_ID);
        assertThat(result.path("origin_worker_id").asText()).isEqualTo(Workers.WORKER_ID);
        assertThat(result.path("security").path("signer_id").asText()).isEqualTo(Workers.WORKER_ID);
        assertThat(result.path("timestamp").isIntegralNumber()).isTrue();
        assertThat(Math.abs(result.path("timestamp").asLong() - Instant.now().getEpochSecond())).isLessThan(5);

        JsonNode registration = server.bodies("register").getFirst();
        assertThat(registration.path("worker_id").asText()).isEqualTo(Workers.WORKER_ID);
        assertThat(registration.path("worker_type").asText()).isEqualTo("test-worker");
        assertThat(registration.path("max_concurrent_tasks").asInt()).isEqualTo(2);
        assertThat(registration.path("supported_skills")).isEqualTo(json("""
                [{"name":"echo","type":"echo","description":"Returns its params.","input_schema":{"type":"object"}},
                 {"name":"other","type":"other"}]"""));
        assertThat(registration.path("available_skills")).isEqualTo(json("[\"echo\",\"other\"]"));
        assertThat(registration.path("capabilities")).isEqualTo(json("""
                {"hostname":"test-host","ip_address":"127.0.0.1","cost_per_skill":{},"extra":{"websockets":false}}"""));
        assertThat(registration.path("resources")).isEqualTo(json("{\"properties\":{\"cpu_cores\":4,\"ram_gb\":15.5}}"));
        assertThat(registration.path("installed_software").path("java").isTextual()).isTrue();
        assertThat(registration.path("skills_hash").asText()).matches("[0-9a-f]{64}");

        MockWorkerServer.Exchange poll = server.requests("poll").getFirst();
        assertThat(poll.path()).isEqualTo("/_worker/workers/java-worker-1/tasks/next");
        assertThat(poll.query()).isEqualTo("timeout=1.0&available_skills=echo,other&hot_skills=");
        for (MockWorkerServer.Exchange e : server.exchanges()) {
            assertThat(e.header("X-Worker-Token")).isEqualTo(MockWorkerServer.TOKEN);
            assertThat(e.header("X-Worker-ID")).isEqualTo(Workers.WORKER_ID);
            assertThat(e.header("X-RXON-Version")).isEqualTo("1.0b15");
            if (e.body().length > 0) assertThat(e.header("Content-Type")).isEqualTo("application/json");
        }
        assertThat(server.indexOf("register", r -> true)).isLessThan(server.indexOf("heartbeat", h -> true));
        assertThat(worker.isRegistered()).isTrue();
    }

    @Test
    void theContextCarriesTheTasksIdsMetadataDeadlineAndCheckpoint() throws Exception {
        ObjectNode payload = task(7, "resume", json("{\"pages\":10}"));
        payload.put("task_id", "task-7.2");
        payload.put("deadline", 1796509508L);
        ((ObjectNode) payload.get("metadata")).put("attempt", 2).set("checkpoint", json("{\"page\":3}"));
        server.enqueueTask(payload);
        AtomicReference<List<Object>> seen = new AtomicReference<>();
        record Pages(int pages) {
        }
        worker = Workers.builder(server)
                .skill("resume", ctx -> {
                    seen.set(List.of(ctx.taskId(), ctx.jobId(), ctx.coxswainTask(), ctx.attempt(), ctx.skill(),
                            String.valueOf(ctx.deadline()), ctx.checkpoint(), ctx.params(Pages.class).pages(),
                            ctx.metadata().path("name").asText()));
                    assertThat(ctx.checkpoint(Map.of("page", 4))).isTrue();
                    return Map.of("done", true);
                })
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("result").isEmpty());

        assertThat(seen.get()).containsExactly("task-7.2", "task-7", "task-7", 2, "resume",
                Instant.ofEpochSecond(1796509508L).toString(), json("{\"page\":3}"), 10, "t7");
        JsonNode checkpoint = server.bodies("event").getFirst();
        assertThat(checkpoint.path("event_type").asText()).isEqualTo("checkpoint");
        assertThat(checkpoint.path("payload")).isEqualTo(json("{\"data\":{\"page\":4}}"));
        assertThat(checkpoint.path("target_task_id").asText()).isEqualTo("task-7.2");
        assertThat(checkpoint.path("target_job_id").asText()).isEqualTo("task-7");
        assertThat(server.bodies("result").getFirst().path("data")).isEqualTo(json("{\"done\":true}"));
    }

    @Test
    void progressAndBatchedLogLinesReachTheServerBeforeTheResult() throws Exception {
        server.enqueueTask(task(3, "chatty", null));
        worker = Workers.builder(server)
                .skill("chatty", ctx -> {
                    ctx.progress(0.5, "half");
                    for (int i = 0; i < 50; i++) ctx.log(i % 10 == 0 ? LogLevel.WARN : LogLevel.INFO, "line " + i);
                    ctx.progress(1.0, "done");
                    ctx.log(LogLevel.ERROR, "last");
                    return "plain text";
                })
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("result").isEmpty());

        List<JsonNode> progress = server.bodies("event").stream().filter(e -> e.path("event_type").asText().equals("progress")).toList();
        assertThat(progress).extracting(e -> e.path("payload")).containsExactly(
                json("{\"progress\":0.5,\"message\":\"half\"}"), json("{\"progress\":1,\"message\":\"done\"}"));
        List<JsonNode> logEvents = server.bodies("event").stream().filter(e -> e.path("event_type").asText().equals("log")).toList();
        List<String> lines = new ArrayList<>();
        logEvents.forEach(e -> e.path("payload").path("lines").forEach(l -> lines.add(l.path("level").asText() + " " + l.path("message").asText())));
        assertThat(lines).hasSize(51).startsWith("warn line 0", "info line 1").endsWith("error last");
        assertThat(logEvents.size()).as("lines are batched, not one event each").isBetween(1, 4);
        JsonNode event = logEvents.getFirst();
        assertThat(event.path("target_task_id").asText()).isEqualTo("task-3.1");
        assertThat(event.path("origin_task_id").asText()).isEqualTo("task-3.1");
        assertThat(event.path("bubbling_chain")).isEqualTo(json("[]"));
        assertThat(event.path("event_id").asText()).isNotBlank();

        int result = server.indexOf("result", r -> true);
        assertThat(server.exchanges().subList(result, server.exchanges().size())).noneMatch(e -> e.route().equals("event"));
        assertThat(server.bodies("result").getFirst().path("data")).as("a non-object result is wrapped")
                .isEqualTo(json("{\"value\":\"plain text\"}"));
    }

    @Test
    void failuresCarryTheHandlersCodeAndUnknownSkillsFailPermanently() throws Exception {
        server.enqueueTask(task(1, "refuse", null));
        server.enqueueTask(task(2, "crash", null));
        server.enqueueTask(task(3, "nosuchskill", null));
        server.enqueueTask(task(4, "badparams", json("{\"pages\":\"many\"}")));
        record Pages(int pages) {
        }
        worker = Workers.builder(server)
                .skill("refuse", ctx -> {
                    throw new TaskFailure(Protocol.ERROR_PERMANENT, "will never work", Map.of("why", "policy"), null);
                })
                .skill("crash", ctx -> {
                    throw new IllegalStateException("boom");
                })
                .skill("badparams", ctx -> ctx.params(Pages.class))
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 4);

        Map<String, JsonNode> byTask = new java.util.HashMap<>();
        server.bodies("result").forEach(r -> byTask.put(r.path("task_id").asText(), r));
        assertThat(byTask.get("task-1.1").path("status").asText()).isEqualTo("failure");
        assertThat(byTask.get("task-1.1").path("error"))
                .isEqualTo(json("{\"code\":\"PERMANENT_ERROR\",\"message\":\"will never work\",\"details\":{\"why\":\"policy\"}}"));
        assertThat(byTask.get("task-2.1").path("error")).isEqualTo(json("{\"code\":\"TRANSIENT_ERROR\",\"message\":\"boom\"}"));
        assertThat(byTask.get("task-3.1").path("error"))
                .isEqualTo(json("{\"code\":\"PERMANENT_ERROR\",\"message\":\"Unsupported skill: nosuchskill\"}"));
        assertThat(byTask.get("task-4.1").path("error").path("code").asText()).isEqualTo("INVALID_INPUT_ERROR");
        assertThat(byTask.values()).allSatisfy(r -> assertThat(r.has("data")).isFalse());
    }

    @Test
    void concurrencyCapsTheTasksInFlightAndHeartbeatsSayFull() throws Exception {
        for (int i = 1; i <= 3; i++) server.enqueueTask(task(i, "block", null));
        CountDownLatch release = new CountDownLatch(1);
        worker = Workers.builder(server)
                .concurrency(2)
                .heartbeatInterval(Duration.ofMillis(100))
                .skill("block", ctx -> {
                    release.await();
                    return null;
                })
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> worker.runningTasks().size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.bodies("heartbeat").stream()
                .anyMatch(h -> h.path("status").asText().equals("full") && h.path("current_tasks").size() == 2));
        JsonNode full = server.bodies("heartbeat").stream().filter(h -> h.path("status").asText().equals("full")).findFirst().orElseThrow();
        assertThat(full.has("available_skills")).isFalse();
        assertThat(server.queuedTasks()).as("no third task is fetched while both slots are busy").isEqualTo(1);

        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 3);
        assertThat(server.bodies("result")).allSatisfy(r -> assertThat(r.path("data")).isEqualTo(json("{}")));
    }
}
