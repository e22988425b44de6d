package dev.coxswain.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.webhook.Receiver;
import dev.coxswain.core.webhook.WebhookSettings;
import dev.coxswain.core.webhook.WebhookSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/webhooks} over HTTP with a real receiver on 127.0.0.1: each event of a task's life
 * arrives once, signed; a server restart between attempts loses nothing; the address guard holds.
 */
class WebhooksHttpTest {
    static final Map<String, String> ADMIN = SecureServer.apiKey(SecureServer.ADMIN);
    static final WebhookSettings LOOPBACK_FAST = new WebhookSettings(true, false, Duration.ofSeconds(1), 5, Duration.ofSeconds(5));

    @TempDir
    Path dir;
    Receiver receiver;
    SecureServer srv;

    @BeforeEach
    void start() throws Exception {
        dev.coxswain.server.testing.SecretLedger.secret("receiver-secret-0123456789");
        receiver = new Receiver();
        srv = new SecureServer(SecureServer.config(dir).withWebhooks(LOOPBACK_FAST), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (srv != null) srv.close();
        receiver.close();
    }

    JsonNode subscribe(String events) {
        var r = srv.send("POST", "/api/webhooks", "{\"url\":\"" + receiver.url() + "\",\"events\":" + events
                + ",\"secret\":\"receiver-secret-0123456789\",\"description\":\"test\"}", ADMIN);
        assertThat(r.status()).isEqualTo(201);
        return r.body().path("data");
    }

    @Test
    void eachEventOfATaskArrivesOnceWithAValidSignature() {
        JsonNode hook = subscribe("[\"task.created\",\"task.started\",\"task.completed\",\"task.failed\"]");
        assertThat(hook.path("id").asText()).matches("wh-\\d+");
        assertThat(hook.path("secret").asText()).isEqualTo("receiver-secret-0123456789");
        assertThat(hook.path("enabled").asBoolean()).isTrue();

        var created = srv.send("POST", "/api/tasks", "{\"name\":\"hooked\",\"command\":\"echo out\"}", ADMIN);
        String task = created.body().path("data").path("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() >= 3);
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(receiver.received).hasSize(3);
        List<String> events = receiver.received.stream().map(g -> Json.read(g.body()).path("event").asText()).toList();
        assertThat(events).containsExactlyInAnyOrder("task.created", "task.started", "task.completed");
        for (Receiver.Got g : receiver.received) {
            long ts = Long.parseLong(g.header("X-Coxswain-Timestamp"));
            assertThat(g.header(WebhookSigner.SIGNATURE_HEADER)).isEqualTo("t=" + ts + ",v1="
                    + WebhookSigner.hmac("receiver-secret-0123456789", ts, g.body().getBytes(StandardCharsets.UTF_8)));
            JsonNode body = Json.read(g.body());
            assertThat(body.path("task").path("id").asText()).isEqualTo(task);
            assertThat(body.path("task").path("name").asText()).isEqualTo("hooked");
        }
        JsonNode done = receiver.received.stream().map(g -> Json.read(g.body()))
                .filter(b -> b.path("event").asText().equals("task.completed")).findFirst().orElseThrow();
        assertThat(done.path("task").path("status").asText()).isEqualTo("completed");
        assertThat(done.path("task").path("result").asText()).contains("out");
        assertThat(done.path("task").path("completed_at").asText()).endsWith("Z");

        var log = srv.get("/api/webhooks/" + hook.path("id").asText() + "/deliveries", ADMIN);
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.body().path("meta").path("total").asInt()).isEqualTo(3);
        assertThat(log.body().path("data")).allSatisfy(d -> {
            assertThat(d.path("status").asText()).isEqualTo("delivered");
            assertThat(d.path("attempts").asInt()).isEqualTo(1);
            assertThat(d.path("response_status").asInt()).isEqualTo(204);
        });
        // The secret is never shown again.
        assertThat(srv.get("/api/webhooks", ADMIN).body().toString()).doesNotContain("receiver-secret-0123456789");
        assertThat(log.body().toString()).doesNotContain("receiver-secret-0123456789");
    }

    @Test
    void aRestartBetweenAttemptsLosesNothing() {
        JsonNode hook = subscribe("[\"task.created\"]");
        receiver.failNext(1);
        srv.send("POST", "/api/tasks", "{\"name\":\"survivor\",\"command\":\"true\"}", ADMIN);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() == 1);
        srv.close();
        srv = null;

        srv = new SecureServer(SecureServer.config(dir).withWebhooks(LOOPBACK_FAST), Clock.systemUTC());
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received.size() == 2);
        assertThat(receiver.received.get(1).body()).isEqualTo(receiver.received.get(0).body());
        var log = srv.get("/api/webhooks/" + hook.path("id").asText() + "/deliveries?status=delivered", ADMIN);
        assertThat(log.body().path("data")).singleElement().satisfies(d -> assertThat(d.path("attempts").asInt()).isEqualTo(2));
    }

    @Test
    void crudAndErrors() {
        JsonNode hook = subscribe("[\"worker.offline\"]");
        String id = hook.path("id").asText();
        assertThat(srv.get("/api/webhooks/" + id, ADMIN).body().path("data").path("events").toString()).isEqualTo("[\"worker.offline\"]");
        var upd = srv.send("PUT", "/api/webhooks/" + id, "{\"events\":[\"task.failed\",\"task.cancelled\"],\"enabled\":false}", ADMIN);
        assertThat(upd.status()).isEqualTo(200);
        assertThat(upd.body().path("data").path("enabled").asBoolean()).isFalse();
        assertThat(upd.body().path("data").path("events")).hasSize(2);
        assertThat(upd.body().path("data").path("url").asText()).isEqualTo(receiver.url());
        var list = srv.get("/api/webhooks?limit=1", ADMIN);
        assertThat(list.body().path("meta").path("total").asInt()).isEqualTo(1);

        // Generated secret when none is given.
        var gen = srv.send("POST", "/api/webhooks", "{\"url\":\"" + receiver.url() + "\",\"events\":[\"task.created\"]}", ADMIN);
        assertThat(gen.status()).isEqualTo(201);
        assertThat(gen.body().path("data").path("secret").asText()).startsWith("whsec_");

        assertThat(srv.send("POST", "/api/webhooks", "{\"events\":[\"task.created\"]}", ADMIN).body()
                .path("error").path("details").has("url")).isTrue();
        assertThat(srv.send("POST", "/api/webhooks", "{\"url\":\"" + receiver.url() + "\",\"events\":[\"task.exploded\"]}", ADMIN)
                .status()).isEqualTo(422);
        assertThat(srv.send("POST", "/api/webhooks", "{\"url\":\"" + receiver.url() + "\",\"events\":[]}", ADMIN).status()).isEqualTo(422);
        assertThat(srv.send("POST", "/api/webhooks", "{\"url\":\"" + receiver.url() + "\",\"events\":\"task.created\"}", ADMIN)
                .status()).isEqualTo(422);
        assertThat(srv.send("POST", "/api/webhooks", "{\"url\":\"" + receiver.url() + "\",\"events\":[\"task.created\"],\"secret\":\"short\"}", ADMIN)
                .status()).isEqualTo(422);
        assertThat(srv.send("POST", "/api/webhooks", "{\"url\":\"ftp://x\",\"events\":[\"task.created\"]}", ADMIN).status()).isEqualTo(422);
        assertThat(srv.send("POST", "/api/webhooks", "{\"url\":\"http://10.0.0.1/x\",\"events\":[\"task.created\"]}", ADMIN)
                .body().path("error").path("details").path("url").asText()).contains("private");
        assertThat(srv.send("POST", "/api/webhooks", "{\"url\":", ADMIN).status()).isEqualTo(400);
        assertThat(srv.get("/api/webhooks/wh-999", ADMIN).status()).isEqualTo(404);
        assertThat(srv.get("/api/webhooks/wh-999/deliveries", ADMIN).status()).isEqualTo(404);
        assertThat(srv.get("/api/webhooks/" + id + "/deliveries?status=lost", ADMIN).status()).isEqualTo(400);
        assertThat(srv.get("/api/webhooks", Map.of()).status()).isEqualTo(401);

        assertThat(srv.send("DELETE", "/api/webhooks/" + id, null, ADMIN).status()).isEqualTo(200);
        assertThat(srv.get("/api/webhooks/" + id, ADMIN).status()).isEqualTo(404);
        assertThat(srv.send("DELETE", "/api/webhooks/" + id, null, ADMIN).status()).isEqualTo(404);
    }

    @Test
    void loopbackIsRefusedByDefault(@TempDir Path other) {
        try (SecureServer strict = new SecureServer(SecureServer.config(other), Clock.systemUTC())) {
            var r = strict.send("POST", "/api/webhooks", "{\"url\":\"" + receiver.url() + "\",\"events\":[\"task.created\"]}", ADMIN);
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.body().path("error").path("details").path("url").asText()).contains("loopback");
        }
    }
}
