package dev.coxswain.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.core.webhook.WebhookSettings;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.ServerConfig;
import dev.coxswain.server.auth.JwtVerifier;
import dev.coxswain.server.http.RouteTable;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs after every other test class of the module (see junit-platform.properties): first a
 * scenario of its own that uses every kind of secret on every route (a database password, a JWT
 * secret, the shared worker token, API keys, webhook secrets), then the scan of everything the
 * run recorded — every response body and header, the in-process servers' log, the subprocesses'
 * output — for every secret the tests used.
 */
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretsScanTest {
    static final String DB_PASSWORD = "pg-password-that-must-not-leak-42";
    static final String JWT_SECRET = "jwt-secret-that-must-not-leak-0123456789abcdef";
    static final String WORKER_TOKEN = "worker-token-that-must-not-leak-42";

    @TempDir
    Path dir;

    @Test
    @Order(1)
    void everyRouteWithEveryKindOfSecret() throws Exception {
        SecretLedger.secret(DB_PASSWORD);
        SecretLedger.secret(JWT_SECRET);
        SecretLedger.secret(WORKER_TOKEN);
        try (var pg = TestDatabases.freshPostgres()) {
            // Trust authentication accepts any password: the server really carries this one.
            ServerConfig cfg = new ServerConfig(0, "127.0.0.1", dir, pg.url(), "postgres", DB_PASSWORD, SecureServer.ADMIN, 2,
                    Duration.ZERO, java.time.ZoneOffset.UTC, 1 << 20, 1000, false, "worker-scan", Duration.ofSeconds(30))
                    .withSecurity(new SecurityConfig(new JwtVerifier.JwtSettings(JWT_SECRET, null, null, null, null, "scope", "tier",
                            Tier.PRO), WORKER_TOKEN, SecurityConfig.defaultLimits(), 0))
                    .withWebhooks(new WebhookSettings(true, false, Duration.ofSeconds(1), 2, Duration.ofSeconds(2)));
            try (SecureServer srv = new SecureServer(cfg, Clock.systemUTC())) {
                SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("scanner")
                        .expirationTime(Date.from(Instant.now().plusSeconds(600))).claim("scope", "admin").build());
                jwt.sign(new MACSigner(JWT_SECRET));
                String token = jwt.serialize();
                SecretLedger.secret(token);

                var key = srv.send("POST", "/api/keys", "{\"name\":\"scan\",\"scopes\":[\"read\",\"tasks:read\"]}",
                        SecureServer.apiKey(SecureServer.ADMIN));
                assertThat(key.status()).isEqualTo(201);
                String readKey = key.body().path("data").path("secret").asText();
                var hook = srv.send("POST", "/api/webhooks", "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":"
                        + "[\"task.created\",\"task.failed\"],\"secret\":\"webhook-secret-that-must-not-leak\"}", SecureServer.apiKey(SecureServer.ADMIN));
                assertThat(hook.status()).isEqualTo(201);
                SecretLedger.secret("webhook-secret-that-must-not-leak");
                srv.send("POST", "/api/tasks", "{\"name\":\"scan\",\"command\":\"echo scanning\"}", SecureServer.bearer(token));
                srv.send("POST", "/api/tasks", "{\"name\":\"scan-fail\",\"command\":\"exit 1\",\"max_retries\":0}",
                        SecureServer.apiKey(SecureServer.ADMIN));

                List<Map<String, String>> credentials = List.of(Map.of(), SecureServer.apiKey(SecureServer.ADMIN),
                        Map.of("X-API-Key", readKey), SecureServer.bearer(token), Map.of("X-Client-Token", readKey),
                        Map.of("X-Worker-Token", WORKER_TOKEN, "X-Worker-ID", "w-scan"),
                        // Secrets sent where they do not belong must not be echoed back either.
                        Map.of("Authorization", "ApiKey " + JWT_SECRET), Map.of("Authorization", "Bearer " + WORKER_TOKEN),
                        Map.of("X-API-Key", DB_PASSWORD), Map.of("Authorization", "Basic " + WORKER_TOKEN));
                for (RouteTable.Route r : srv.server.routes()) {
                    if (r.method().text().equals("DELETE")) continue; // keep the fixtures for the other routes
                    String path = r.path().replace("{file}", "swagger-ui.css").replace("{id}", r.path().startsWith("/api/keys") ? "key-1"
                            : r.path().startsWith("/api/webhooks") ? "wh-1" : r.path().startsWith("/api/workers") ? "worker-scan" : "task-1")
                            .replaceAll("\\{[^}]+}", "1"); // other faces' integer ids
                    assertThat(path).as("every path parameter is filled in").doesNotContain("{");
                    String body = r.method().text().equals("GET") ? null : "{\"name\":\"" + DB_PASSWORD.substring(0, 3) + "\"}";
                    for (Map<String, String> c : credentials) srv.send(r.method().text(), path, body, c);
                }
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                        srv.get("/api/webhooks/wh-1/deliveries?status=pending", SecureServer.apiKey(SecureServer.ADMIN))
                                .body().path("data").findValues("attempts").stream().allMatch(n -> n.asInt() >= 1));
            }
        }
    }

    @Test
    @Order(2)
    void noSecretAppearsInAnyResponseOrLogOfTheRun() {
        assertThat(SecretLedger.secretCount()).as("secrets registered").isGreaterThanOrEqualTo(5);
        assertThat(SecretLedger.responses()).as("responses recorded").isGreaterThan(100);
        assertThat(SecretLedger.violations()).isEmpty();
    }

    /** The class orderer must be on, or this class may not run last. */
    @Test
    @Order(3)
    void classOrdererIsConfigured() throws Exception {
        var props = new java.util.Properties();
        try (var in = SecretsScanTest.class.getResourceAsStream("/junit-platform.properties")) {
            props.load(in);
        }
        assertThat(props.getProperty("junit.jupiter.testclass.order.default"))
                .isEqualTo(ClassOrderer.OrderAnnotation.class.getName());
    }
}
