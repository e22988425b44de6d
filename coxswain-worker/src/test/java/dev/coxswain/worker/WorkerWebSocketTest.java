package dev.coxswain.worker;

import static dev.coxswain.worker.Workers.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.worker.protocol.Signatures;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's WebSocket: identity headers, events sent over it, pushed cancels, reconnects. */
class WorkerWebSocketTest {
    private MockWorkerServer server;
    private MockWebSocketServer socket;
    private CoxswainWorker worker;

    @BeforeEach
    void startServers() throws Exception {
        server = new MockWorkerServer();
        socket = new MockWebSocketServer(MockWorkerServer.TOKEN);
    }

    @AfterEach
    void stop() throws Exception {
        if (worker != null) worker.close();
        socket.close();
        server.close();
    }

    @Test
    void eventsGoOverTheSocketAndAPushedCancelStopsTheTask() throws Exception {
        server.enqueueTask(task(9, "sleep", null));
        CountDownLatch socketUp = new CountDownLatch(1);
        worker = Workers.builder(server)
                .webSocket(true)
                .webSocketUrl(socket.uri(Workers.WORKER_ID))
                .heartbeatInterval(Duration.ofSeconds(30))
                .skill("sleep", ctx -> {
                    socketUp.await();
                    ctx.progress(0.25, "over the socket");
                    ctx.awaitCancellation(Duration.ofMinutes(1));
                    return null;
                })
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(socket::connected);
        MockWebSocketServer.Handshake handshake = socket.handshakes().getFirst();
        assertThat(handshake.requestLine()).startsWith("GET /_worker/ws/java-worker-1 ");
        assertThat(handshake.headers()).containsEntry("x-worker-token", MockWorkerServer.TOKEN)
                .containsEntry("x-worker-id", Workers.WORKER_ID)
                .containsEntry("x-rxon-version", "1.0b15");
        assertThat(server.bodies("register").getFirst().path("capabilities").path("extra").path("websockets").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.runningTasks().contains("task-9.1"));

        socketUp.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> !socket.received().isEmpty());
        JsonNode event = Workers.json(socket.received().getFirst());
        assertThat(event.path("event_type").asText()).isEqualTo("progress");
        assertThat(event.path("payload").path("message").asText()).isEqualTo("over the socket");
        assertThat(Signatures.verify(event, true, MockWorkerServer.TOKEN)).isTrue();
        assertThat(server.requests("event")).as("not posted as well").isEmpty();

        socket.send("{\"command\":\"cancel_task\",\"task_id\":\"task-9.1\",\"job_id\":\"task-9\"}");

        await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("result").isEmpty());
        assertThat(server.bodies("result").getFirst().path("status").asText()).isEqualTo("cancelled");
        assertThat(server.requests("heartbeat")).as("the cancel did not come with a heartbeat")
                .noneMatch(h -> h.text().contains("cancel_task_ids"));
    }

    /**
     * A task's log lines must be stored before its result, which the server answers by ignoring
     * later events of the task. A frame on the socket has no order against the result's POST, so
     * log lines are posted (and acknowledged) even while the socket is up.
     */
    @Test
    void logLinesArePostedAndAcknowledgedBeforeTheResultEvenWithTheSocketUp() throws Exception {
        server.enqueueTask(task(4, "echo", Workers.json("{\"a\":1}")));
        CountDownLatch socketUp = new CountDownLatch(1);
        worker = Workers.builder(server)
                .webSocket(true)
                .webSocketUrl(socket.uri(Workers.WORKER_ID))
                .skill("echo", ctx -> {
                    socketUp.await();
                    ctx.log(LogLevel.INFO, "last words");
                    return ctx.params();
                })
                .build().start();
        await().atMost(Duration.ofSeconds(5)).until(socket::connected);
        socketUp.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("result").isEmpty());
        int log = server.indexOf("event", e -> e.path("event_type").asText().equals("log")
                && e.path("payload").path("lines").path(0).path("message").asText().equals("last words"));
        int result = server.indexOf("result", e -> true);
        assertThat(log).as("the log event, posted").isNotNegative().isLessThan(result);
        assertThat(socket.received()).as("nothing of the log over the socket")
                .noneMatch(f -> f.contains("last words"));
    }

    @Test
    void aDroppedSocketIsReconnected() throws Exception {
        worker = Workers.builder(server)
                .webSocket(true)
                .webSocketUrl(socket.uri(Workers.WORKER_ID))
                .skill("echo", ctx -> ctx.params())
                .build().start();
        await().atMost(Duration.ofSeconds(5)).until(socket::connected);

        socket.drop();

        await().atMost(Duration.ofSeconds(5)).until(() -> socket.handshakes().size() == 2 && socket.connected());
    }

    @Test
    void aRefusedHandshakeIsRetriedWithBackoffWhileHttpCarriesOn() throws Exception {
        socket.close();
        socket = new MockWebSocketServer("another-token");
        server.enqueueTask(task(1, "echo", Workers.json("{\"a\":1}")));
        worker = Workers.builder(server)
                .webSocket(true)
                .webSocketUrl(socket.uri(Workers.WORKER_ID))
                .skill("echo", ctx -> {
                    ctx.progress(1, "done");
                    return ctx.params();
                })
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> socket.handshakes().size() >= 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("result").isEmpty());
        assertThat(server.bodies("event")).singleElement()
                .satisfies(e -> assertThat(e.path("event_type").asText()).isEqualTo("progress"));
    }

    @Test
    void theSocketAddressFollowsTheServerUrl() {
        assertThat(SocketLink.webSocketUri(URI.create("http://h:8080/"), "w-1")).isEqualTo(URI.create("ws://h:8080/_worker/ws/w-1"));
        assertThat(SocketLink.webSocketUri(URI.create("https://h/base"), "w-1")).isEqualTo(URI.create("wss://h/base/_worker/ws/w-1"));
    }
}
