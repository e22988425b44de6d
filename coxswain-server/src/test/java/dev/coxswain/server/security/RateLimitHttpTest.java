package dev.coxswain.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.SecurityConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tier buckets over HTTP, with the clock moved by the test instead of waiting. */
class RateLimitHttpTest {
    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(T0);
    SecureServer srv;

    @BeforeEach
    void start() {
        Map<Tier, Integer> limits = new EnumMap<>(SecurityConfig.defaultLimits());
        limits.put(Tier.STARTER, 5);
        limits.put(Tier.PRO, 8);
        srv = new SecureServer(dir, new SecurityConfig(SecurityConfig.defaults().jwt(), null, limits, 3), clock);
    }

    @AfterEach
    void stop() {
        srv.close();
    }

    String key(String tier) {
        var r = srv.send("POST", "/api/keys", "{\"name\":\"k\",\"scopes\":[\"tasks:read\"],\"tier\":\"" + tier + "\"}",
                SecureServer.apiKey(SecureServer.ADMIN));
        assertThat(r.status()).isEqualTo(201);
        return r.body().path("data").path("secret").asText();
    }

    @Test
    void burstPastTheLimitGets429WithHeadersAndTheBucketRefills() {
        String k = key("starter");
        for (int i = 0; i < 5; i++) {
            SecureServer.Reply r = srv.get("/api/tasks", SecureServer.apiKey(k));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-RateLimit-Limit")).isEqualTo("5");
            assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(String.valueOf(4 - i));
            assertThat(Long.parseLong(r.header("X-RateLimit-Reset"))).isBetween(T0.getEpochSecond(), T0.getEpochSecond() + 60);
        }
        SecureServer.Reply over = srv.get("/api/tasks", SecureServer.apiKey(k));
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.body().path("error").path("code").asText()).isEqualTo("rate_limited");
        assertThat(over.header("X-RateLimit-Remaining")).isEqualTo("0");
        // 5 per minute: one request comes back every 12 s.
        assertThat(Long.parseLong(over.header("Retry-After"))).isEqualTo(12);
        assertThat(Long.parseLong(over.header("X-RateLimit-Reset"))).isEqualTo(T0.getEpochSecond() + 60);

        clock.advance(Duration.ofSeconds(12));
        assertThat(srv.get("/api/tasks", SecureServer.apiKey(k)).status()).isEqualTo(200);
        assertThat(srv.get("/api/tasks", SecureServer.apiKey(k)).status()).isEqualTo(429);
        clock.advance(Duration.ofMinutes(1));
        SecureServer.Reply full = srv.get("/api/tasks", SecureServer.apiKey(k));
        assertThat(full.status()).isEqualTo(200);
        assertThat(full.header("X-RateLimit-Remaining")).isEqualTo("4");
    }

    @Test
    void eachPrincipalHasItsOwnBucketSizedByItsTier() {
        String a = key("starter");
        String b = key("pro");
        for (int i = 0; i < 5; i++) srv.get("/api/tasks", SecureServer.apiKey(a));
        assertThat(srv.get("/api/tasks", SecureServer.apiKey(a)).status()).isEqualTo(429);
        SecureServer.Reply r = srv.get("/api/tasks", SecureServer.apiKey(b));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-RateLimit-Limit")).isEqualTo("8");
    }

    @Test
    void unlimitedTierIsNotLimited() {
        for (int i = 0; i < 20; i++) {
            SecureServer.Reply r = srv.get("/api/tasks", SecureServer.apiKey(SecureServer.ADMIN));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-RateLimit-Limit")).isNull();
        }
    }

    @Test
    void requestsWithoutAValidCredentialAreLimitedPerAddress() {
        for (int i = 0; i < 3; i++) {
            SecureServer.Reply r = srv.get("/api/tasks", SecureServer.apiKey("cox_guess" + i));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("X-RateLimit-Limit")).isEqualTo("3");
        }
        SecureServer.Reply r = srv.get("/api/tasks", Map.of());
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isEqualTo("20");
        // A valid key is charged to its own bucket, not the address's.
        assertThat(srv.get("/api/tasks", SecureServer.apiKey(SecureServer.ADMIN)).status()).isEqualTo(200);
    }

    @Test
    void probesAndMetricsAreNeverLimitedAndTheDocsAnswerInTheNativeFormat() {
        // Behind a proxy every client shares one address: bad keys use up its bucket ...
        for (int i = 0; i < 3; i++) {
            assertThat(srv.get("/api/tasks", SecureServer.apiKey("cox_guess" + i)).status()).isEqualTo(401);
        }
        assertThat(srv.get("/api/tasks", Map.of()).status()).isEqualTo(429);
        // ... and the health checks and the Prometheus scrape still answer.
        for (String path : List.of("/health", "/health/live", "/health/ready", "/metrics", "/_public/metrics")) {
            for (int i = 0; i < 4; i++) {
                SecureServer.Reply r = srv.get(path, Map.of());
                assertThat(r.status()).as(path).isEqualTo(200);
                assertThat(r.header("X-RateLimit-Limit")).as(path).isNull();
            }
        }
        // The OpenAPI document and the docs page are still charged to the address, and refused
        // in the native API's error format (the document describes that API).
        SecureServer.Reply over = srv.get("/openapi.json", Map.of());
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.body().path("error").path("code").asText()).isEqualTo("rate_limited");
        assertThat(over.body().path("error").path("message").asText()).contains("3 unauthenticated requests per minute");
        assertThat(over.header("Retry-After")).isEqualTo("20");
        assertThat(srv.get("/docs", Map.of()).status()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(20));
        SecureServer.Reply again = srv.get("/openapi.json", Map.of());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("X-RateLimit-Limit")).isEqualTo("3");
    }
}
