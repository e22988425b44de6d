package dev.coxswain.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.SecurityConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code monthly_job_quota} of API keys over the native API: set at creation, changed by update, shown, checked. */
class KeyQuotaHttpTest {
    @TempDir
    static Path dir;
    static SecureServer srv;
    static final MutableClock clock = new MutableClock(Instant.parse("2026-06-30T23:59:00Z"));
    static final Map<String, String> ADMIN = SecureServer.apiKey(SecureServer.ADMIN);

    @BeforeAll
    static void start() {
        srv = new SecureServer(dir, SecurityConfig.defaults(), clock);
    }

    @AfterAll
    static void stop() {
        srv.close();
    }

    JsonNode create(String extra) {
        var r = srv.send("POST", "/api/keys", "{\"name\":\"client\",\"scopes\":[\"tasks:write\"]" + extra + "}", ADMIN);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
        return r.body().path("data");
    }

    JsonNode show(String id) {
        var r = srv.get("/api/keys/" + id, ADMIN);
        assertThat(r.status()).isEqualTo(200);
        return r.body().path("data");
    }

    @Test
    void theQuotaIsSetAtCreationChangedByUpdateAndShownWithThisMonthsCount() {
        JsonNode k = create(",\"monthly_job_quota\":5");
        String id = k.path("id").asText();
        assertThat(k.path("monthly_job_quota").asInt()).isEqualTo(5);
        assertThat(k.path("monthly_jobs_used").asInt()).isZero();

        long n = Long.parseLong(id.substring("key-".length()));
        srv.server.engine().quotas().charge("key:" + n);
        srv.server.engine().quotas().charge("key:" + n);
        assertThat(show(id).path("monthly_jobs_used").asInt()).isEqualTo(2);
        assertThat(srv.get("/api/keys", ADMIN).body().path("data").findValues("id").stream().map(JsonNode::asText))
                .contains(id);

        var raised = srv.send("PUT", "/api/keys/" + id, "{\"monthly_job_quota\":10}", ADMIN);
        assertThat(raised.status()).isEqualTo(200);
        assertThat(raised.body().path("data").path("monthly_job_quota").asInt()).isEqualTo(10);
        assertThat(raised.body().path("data").path("monthly_jobs_used").asInt()).isEqualTo(2);

        var renamed = srv.send("PUT", "/api/keys/" + id, "{\"name\":\"renamed\"}", ADMIN);
        assertThat(renamed.body().path("data").path("monthly_job_quota").asInt()).as("left out: unchanged").isEqualTo(10);

        var unlimited = srv.send("PUT", "/api/keys/" + id, "{\"monthly_job_quota\":null}", ADMIN);
        assertThat(unlimited.status()).isEqualTo(200);
        assertThat(unlimited.body().path("data").has("monthly_job_quota")).isTrue();
        assertThat(unlimited.body().path("data").path("monthly_job_quota").isNull()).as("null: unlimited").isTrue();

        // The count is this month's (UTC): a minute later it is July and zero.
        clock.advance(java.time.Duration.ofMinutes(1));
        assertThat(show(id).path("monthly_jobs_used").asInt()).isZero();
    }

    @Test
    void withoutTheFieldAKeyIsUnlimitedAndAZeroQuotaIsAllowed() {
        JsonNode plain = create("");
        assertThat(plain.has("monthly_job_quota")).isTrue();
        assertThat(plain.path("monthly_job_quota").isNull()).isTrue();
        assertThat(create(",\"monthly_job_quota\":null").path("monthly_job_quota").isNull()).isTrue();
        assertThat(create(",\"monthly_job_quota\":0").path("monthly_job_quota").asInt()).isZero();
    }

    @Test
    void badValuesAreNativeValidationErrorsAndChangeNothing() {
        String id = create(",\"monthly_job_quota\":3").path("id").asText();
        for (String bad : new String[]{"-1", "1.5", "\"5\"", "true", "[5]", "{}", "2147483648", "1e3"}) {
            var onCreate = srv.send("POST", "/api/keys", "{\"name\":\"x\",\"scopes\":[\"read\"],\"monthly_job_quota\":" + bad + "}", ADMIN);
            assertThat(onCreate.status()).as("create with " + bad).isEqualTo(422);
            assertThat(onCreate.body().path("error").path("code").asText()).isEqualTo("validation_error");
            assertThat(onCreate.body().path("error").path("details").has("monthly_job_quota")).as(bad).isTrue();
            var onUpdate = srv.send("PUT", "/api/keys/" + id, "{\"monthly_job_quota\":" + bad + "}", ADMIN);
            assertThat(onUpdate.status()).as("update with " + bad).isEqualTo(422);
            assertThat(onUpdate.body().path("error").path("details").has("monthly_job_quota")).as(bad).isTrue();
        }
        assertThat(show(id).path("monthly_job_quota").asInt()).isEqualTo(3);
        // Malformed JSON stays the face's 400.
        assertThat(srv.send("PUT", "/api/keys/" + id, "{\"monthly_job_quota\":", ADMIN).status()).isEqualTo(400);
    }

    @Test
    void onlyAdminsSetQuotas() {
        var writer = SecureServer.apiKey(create("").path("secret").asText());
        String id = create(",\"monthly_job_quota\":1").path("id").asText();
        assertThat(srv.send("PUT", "/api/keys/" + id, "{\"monthly_job_quota\":100}", writer).status()).isEqualTo(403);
        assertThat(srv.send("PUT", "/api/keys/" + id, "{\"monthly_job_quota\":100}", Map.of()).status()).isEqualTo(401);
        assertThat(show(id).path("monthly_job_quota").asInt()).isEqualTo(1);
    }
}
