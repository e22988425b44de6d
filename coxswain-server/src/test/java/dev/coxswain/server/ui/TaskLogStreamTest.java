package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.Backoff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task log over Server-Sent Events, read through real HTTP as an EventSource would. */
class TaskLogStreamTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static UiServer srv;
    static UiClient admin;

    @BeforeAll
    static void start() {
        srv = new UiServer(dir.resolve("data"), Clock.systemUTC());
        admin = srv.admin();
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    static Task shell(String name, String command) {
        return srv.server.engine().tasks().create(new NewTask("shell", name, null, Json.object().put("command", command), 5, 0,
                Backoff.EXPONENTIAL, null, 60, List.of(), List.of(), false, "api", null));
    }

    static Task awaitStatus(long id, TaskStatus s) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> srv.server.engine().tasks().get(id),
                t -> t.status() == s);
    }

    SseClient open(long id, Map<String, String> headers) {
        return new SseClient(admin, srv.base() + "/ui/tasks/task-" + id + "/log/stream", headers);
    }

    static List<String> messages(List<SseClient.Event> events) {
        return events.stream().filter(e -> e.name().equals("line")).map(e -> e.json().get("message").asText()).toList();
    }

    @Test
    void aFinishedTasksLinesComeNumberedThenEndAndTheStreamCloses() {
        Task t = shell("two lines", "echo one; echo 'two <b>&'");
        awaitStatus(t.id(), TaskStatus.COMPLETED);
        try (SseClient s = open(t.id(), Map.of())) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.header("Content-Type")).startsWith("text/event-stream");
            assertThat(s.header("Cache-Control")).isEqualTo("no-store");
            List<SseClient.Event> ev = s.until("end", WAIT);
            assertThat(ev.get(0).name()).isEqualTo("status");
            assertThat(ev.get(0).json().get("status").asText()).isEqualTo("completed");
            assertThat(messages(ev)).contains("one", "two <b>&");
            assertThat(messages(ev).get(0)).startsWith("Task created");
            assertThat(messages(ev).getLast()).startsWith("Task completed successfully");
            List<SseClient.Event> lines = ev.stream().filter(e -> e.name().equals("line")).toList();
            for (int i = 0; i < lines.size(); i++) {
                assertThat(lines.get(i).id()).isEqualTo(String.valueOf(i + 1));
                assertThat(lines.get(i).json().get("seq").asLong()).isEqualTo(i + 1);
                assertThat(lines.get(i).json().get("time").asText()).matches("\\d\\d:\\d\\d:\\d\\d");
                assertThat(lines.get(i).json().get("level").asText()).isIn("info", "warn", "error", "debug");
            }
            assertThat(ev.getLast().json().get("status").asText()).isEqualTo("completed");
            assertThat(s.nextEvent(WAIT)).isSameAs(SseClient.CLOSED);
        }
    }

    @Test
    void aLineWrittenWhileConnectedArrivesAndTheEndFollowsCompletion() throws Exception {
        Path go = dir.resolve("go-" + System.nanoTime());
        Task t = shell("follows", "echo first; while [ ! -f '" + go + "' ]; do sleep 0.05; done; echo second");
        awaitStatus(t.id(), TaskStatus.RUNNING);
        try (SseClient s = open(t.id(), Map.of())) {
            List<SseClient.Event> before = s.until("line", WAIT);
            assertThat(before.getFirst().json().get("status").asText()).isEqualTo("running");
            // Read until "first" arrives (the created and started lines come before it).
            List<String> seen = new java.util.ArrayList<>(messages(before));
            while (!seen.contains("first")) seen.addAll(messages(s.until("line", WAIT)));
            Files.writeString(go, "go");
            List<SseClient.Event> rest = s.until("end", WAIT);
            assertThat(messages(rest)).contains("second");
            assertThat(rest).filteredOn(e -> e.name().equals("status")).extracting(e -> e.json().get("status").asText())
                    .containsExactly("completed");
            assertThat(rest.getLast().json().get("status").asText()).isEqualTo("completed");
            seen.addAll(messages(rest));
            assertThat(seen).doesNotHaveDuplicates();
        }
    }

    @Test
    void lastEventIdResumesAfterTheLinesAlreadySeen() {
        Task t = shell("resume", "echo a; echo b; echo c");
        awaitStatus(t.id(), TaskStatus.COMPLETED);
        List<SseClient.Event> all;
        try (SseClient s = open(t.id(), Map.of())) {
            all = s.until("end", WAIT).stream().filter(e -> e.name().equals("line")).toList();
        }
        assertThat(all.size()).isGreaterThan(3);
        try (SseClient s = open(t.id(), Map.of("Last-Event-ID", "2"))) {
            List<SseClient.Event> rest = s.until("end", WAIT).stream().filter(e -> e.name().equals("line")).toList();
            assertThat(rest.getFirst().id()).isEqualTo("3");
            assertThat(rest).extracting(SseClient.Event::data).isEqualTo(all.subList(2, all.size()).stream()
                    .map(SseClient.Event::data).toList());
        }
        try (SseClient s = open(t.id(), Map.of("Last-Event-ID", String.valueOf(all.size())))) {
            List<SseClient.Event> rest = s.until("end", WAIT);
            assertThat(rest).noneMatch(e -> e.name().equals("line"));
        }
    }

    @Test
    void aCancelledRunningTaskEndsCancelledWithItsLastLines() {
        Task t = shell("long", "echo started; sleep 60");
        awaitStatus(t.id(), TaskStatus.RUNNING);
        try (SseClient s = open(t.id(), Map.of())) {
            List<String> seen = new java.util.ArrayList<>();
            while (!seen.contains("started")) seen.addAll(messages(s.until("line", WAIT)));
            srv.server.engine().tasks().cancel(t.id());
            List<SseClient.Event> rest = s.until("end", WAIT);
            assertThat(rest.getLast().json().get("status").asText()).isEqualTo("cancelled");
            assertThat(messages(rest)).anyMatch(m -> m.startsWith("Task cancelled"));
        }
    }

    @Test
    void unknownTasksAre404AndStrangersAreSentToSignIn() {
        assertThat(admin.get("/ui/tasks/task-999999/log/stream").status()).isEqualTo(404);
        assertThat(admin.get("/ui/tasks/bogus/log/stream").status()).isEqualTo(404);
        assertThat(admin.get("/ui/tasks/task-01/log/stream").status()).isEqualTo(404);
        Task t = shell("private", "true");
        UiClient.Page p = srv.client().get("/ui/tasks/task-" + t.id() + "/log/stream");
        assertThat(p.status()).isEqualTo(303);
        assertThat(p.location()).startsWith("/ui/sign-in?next=");
    }

    @Test
    void stoppingTheServerEndsOpenStreams(@TempDir Path other) {
        UiServer own = new UiServer(other, Clock.systemUTC());
        try {
            UiClient c = own.admin();
            Task t = own.server.engine().tasks().create(new NewTask("shell", "forever", null,
                    Json.object().put("command", "sleep 60"), 5, 0, Backoff.EXPONENTIAL, null, 120, List.of(), List.of(), false,
                    "api", null));
            await().atMost(WAIT).until(() -> own.server.engine().tasks().get(t.id()).status() == TaskStatus.RUNNING);
            try (SseClient s = new SseClient(c, own.base() + "/ui/tasks/task-" + t.id() + "/log/stream", Map.of())) {
                assertThat(s.nextEvent(WAIT).name()).isEqualTo("status");
                long t0 = System.nanoTime();
                own.close();
                SseClient.Event e;
                do {
                    e = s.next(WAIT);
                } while (e != SseClient.CLOSED);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            }
        } finally {
            own.close();
        }
    }

    @Test
    void aQuietStreamSendsKeepAlivesAndEndsAfterItsLifetime() throws Exception {
        Task t = shell("quiet", "sleep 60");
        Task running = awaitStatus(t.id(), TaskStatus.RUNNING);
        UiStreams streams = new UiStreams(4);
        TaskLogStream s = new TaskLogStream(srv.server.engine().tasks(), streams, new UiFormat(Clock.systemUTC(), ZoneOffset.UTC),
                new TaskLogStream.Timing(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(700)));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long t0 = System.nanoTime();
        try (UiStreams.Stream st = streams.open()) {
            s.follow(st, out, t.id(), running, 0);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(600), Duration.ofSeconds(10));
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).startsWith("retry: 2000\n\n").contains("event: status\ndata: {\"status\":\"running\"}\n\n")
                .contains("\n: keep-alive\n\n").doesNotContain("event: end");
        assertThat(streams.count()).isZero();
        srv.server.engine().tasks().cancel(t.id());
    }

    @Test
    void closingTheRegistryEndsAStreamAtOnceAndRefusesNewOnes() throws Exception {
        Task t = shell("held", "sleep 60");
        Task running = awaitStatus(t.id(), TaskStatus.RUNNING);
        UiStreams streams = new UiStreams(4);
        TaskLogStream s = new TaskLogStream(srv.server.engine().tasks(), streams, new UiFormat(Clock.systemUTC(), ZoneOffset.UTC),
                new TaskLogStream.Timing(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofMinutes(30)));
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Thread th = Thread.ofVirtual().start(() -> {
            try (UiStreams.Stream st = streams.open()) {
                started.countDown();
                s.follow(st, new java.io.ByteArrayOutputStream(), t.id(), running, 0);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        started.await();
        await().atMost(WAIT).until(() -> streams.count() == 1);
        long t0 = System.nanoTime();
        streams.close();
        th.join(Duration.ofSeconds(10));
        assertThat(th.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2)); // not the 5 s poll
        assertThat(streams.count()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(streams::open).isInstanceOf(UiException.class)
                .extracting(e -> ((UiException) e).status()).isEqualTo(503);
        UiStreams two = new UiStreams(1);
        try (UiStreams.Stream a = two.open()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(two::open).isInstanceOf(UiException.class);
        }
        two.open().close(); // the slot was given back
        srv.server.engine().tasks().cancel(t.id());
    }
}
