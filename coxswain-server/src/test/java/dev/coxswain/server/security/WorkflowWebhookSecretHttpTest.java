package dev.coxswain.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.webhook.Receiver;
import dev.coxswain.core.webhook.WebhookSettings;
import dev.coxswain.core.webhook.WebhookSigner;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/system/workflow-webhook-secret} over HTTP: admins read and rotate the secret that
 * signs jobs' webhooks, everybody else is refused; the running engine signs with what the route shows.
 */
class WorkflowWebhookSecretHttpTest {
    static final Map<String, String> ADMIN = SecureServer.apiKey(SecureServer.ADMIN);
    static final String PATH = "/api/system/workflow-webhook-secret";
    static final String CONFIGURED = "configured-workflow-secret-0123456789";

    @TempDir
    Path dir;
    SecureServer srv;

    @AfterEach
    void stop() {
        if (srv != null) srv.close();
    }

    SecureServer start(WebhookSettings webhooks) {
        srv = new SecureServer(SecureServer.config(dir).withWebhooks(webhooks), Clock.systemUTC());
        return srv;
    }

    Map<String, String> keyWith(String scopes) {
        var r = srv.send("POST", "/api/keys", "{\"name\":\"k\",\"scopes\":" + scopes + "}", ADMIN);
        assertThat(r.status()).isEqualTo(201);
        return SecureServer.apiKey(r.body().path("data").path("secret").asText());
    }

    @Test
    void anAdminReadsTheGeneratedSecretAndRotatesIt() throws Exception {
        start(WebhookSettings.defaults());
        var r = srv.get(PATH, ADMIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        JsonNode s = r.body().path("data");
        String first = s.path("secret").asText();
        assertThat(first).startsWith("whsec_").hasSize(54);
        assertThat(s.path("source").asText()).isEqualTo("generated");
        assertThat(s.path("updated_at").asText()).endsWith("Z");
        assertThat(srv.get(PATH, ADMIN).body().path("data").path("secret").asText()).as("stable").isEqualTo(first);
        // Sealed at rest: the database file does not hold it.
        assertThat(new String(Files.readAllBytes(dir.resolve("coxswain.db")), StandardCharsets.ISO_8859_1)).doesNotContain(first);

        var rotated = srv.send("POST", PATH + "/rotate", null, ADMIN);
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.header("Cache-Control")).isEqualTo("no-store");
        String second = rotated.body().path("data").path("secret").asText();
        assertThat(second).startsWith("whsec_").isNotEqualTo(first);
        assertThat(srv.get(PATH, ADMIN).body().path("data").path("secret").asText()).isEqualTo(second);

        // A restart keeps the rotated secret.
        srv.close();
        start(WebhookSettings.defaults());
        assertThat(srv.get(PATH, ADMIN).body().path("data").path("secret").asText()).isEqualTo(second);
    }

    @Test
    void nonAdminsAre403AndAnonymousCallers401() {
        start(WebhookSettings.defaults());
        // Every scope but admin.
        Map<String, String> writer = keyWith("[\"tasks:read\",\"tasks:write\",\"jobs:write\",\"sql:custom\",\"workers\",\"read\"]");
        for (var call : new String[][]{{"GET", PATH}, {"POST", PATH + "/rotate"}}) {
            var forbidden = srv.send(call[0], call[1], null, writer);
            assertThat(forbidden.status()).as(call[0] + " " + call[1]).isEqualTo(403);
            assertThat(forbidden.body().path("error").path("code").asText()).isEqualTo("forbidden");
            assertThat(forbidden.body().toString()).doesNotContain("whsec_");
            var anonymous = srv.send(call[0], call[1], null, Map.of());
            assertThat(anonymous.status()).as(call[0] + " " + call[1]).isEqualTo(401);
            assertThat(anonymous.body().path("error").path("code").asText()).isEqualTo("unauthorized");
            assertThat(srv.send(call[0], call[1], null, SecureServer.apiKey("cox_wrong")).status()).isEqualTo(401);
        }
    }

    @Test
    void aConfiguredSecretIsShownButNotRotatable() {
        SecretLedger.secret(CONFIGURED);
        start(WebhookSettings.defaults().withWorkflowSecret(CONFIGURED));
        var r = srv.get(PATH, ADMIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("data").path("secret").asText()).isEqualTo(CONFIGURED);
        assertThat(r.body().path("data").path("source").asText()).isEqualTo("config");
        assertThat(r.body().path("data").path("updated_at").isNull()).isTrue();

        var refused = srv.send("POST", PATH + "/rotate", null, ADMIN);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().path("error").path("code").asText()).isEqualTo("conflict");
        assertThat(refused.body().path("error").path("message").asText()).contains("workflow-webhook-secret")
                .doesNotContain(CONFIGURED);
        assertThat(srv.get(PATH, ADMIN).body().path("data").path("secret").asText()).isEqualTo(CONFIGURED);
    }

    @Test
    void theRunningEngineSignsJobWebhooksWithTheSecretTheRouteShows() throws Exception {
        try (Receiver receiver = new Receiver()) {
            start(new WebhookSettings(true, false, Duration.ofSeconds(1), 5, Duration.ofSeconds(5)));
            String secret = srv.get(PATH, ADMIN).body().path("data").path("secret").asText();
            String body = "{\"event\":\"job_finished\",\"job_id\":\"j-1\",\"status\":\"finished\",\"result\":null,"
                    + "\"error\":null,\"security\":null,\"metadata\":{},\"timestamp\":1}";
            var engine = srv.server.engine();
            receiver.failNext(1, 500);
            engine.database().write(tx -> {
                engine.jobWebhooks().enqueue(tx, receiver.url(), "job_finished", body, java.time.Instant.now());
                return null;
            });
            // The first attempt is answered 500; the retry a second later is delivered.
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() == 2);
            for (Receiver.Got got : receiver.received) {
                assertThat(got.body()).isEqualTo(body);
                assertThat(got.header("X-Coxswain-Event")).isEqualTo("job_finished");
                long ts = Long.parseLong(got.header("X-Coxswain-Timestamp"));
                assertThat(got.header(WebhookSigner.SIGNATURE_HEADER))
                        .isEqualTo(WebhookSigner.header(secret, ts, body.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }
}
