package dev.coxswain.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.SecurityConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/keys}: create (secret once), list and get without secrets, update, revoke; admin only. */
class KeysApiHttpTest {
    @TempDir
    static Path dir;
    static SecureServer srv;
    static final Map<String, String> ADMIN = SecureServer.apiKey(SecureServer.ADMIN);

    @BeforeAll
    static void start() {
        srv = new SecureServer(dir, SecurityConfig.defaults(), new MutableClock(Instant.parse("2026-06-01T12:00:00Z")));
    }

    @AfterAll
    static void stop() {
        srv.close();
    }

    @Test
    void createShowsTheSecretOnceAndStoresOnlyItsHash() throws Exception {
        var r = srv.send("POST", "/api/keys", "{\"name\":\"ci\",\"scopes\":[\"tasks:read\",\"read\"],\"tier\":\"pro\"}", ADMIN);
        assertThat(r.status()).isEqualTo(201);
        JsonNode k = r.body().path("data");
        String secret = k.path("secret").asText();
        assertThat(secret).startsWith("cox_").hasSizeGreaterThan(30);
        assertThat(k.path("id").asText()).matches("key-\\d+");
        assertThat(k.path("name").asText()).isEqualTo("ci");
        assertThat(k.path("prefix").asText()).isEqualTo(secret.substring(0, 8));
        assertThat(k.path("scopes")).hasSize(2);
        assertThat(k.path("tier").asText()).isEqualTo("pro");
        assertThat(k.path("enabled").asBoolean()).isTrue();
        assertThat(k.path("created_at").asText()).endsWith("Z");
        assertThat(k.has("revoked_at")).isTrue();

        var list = srv.get("/api/keys", ADMIN);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("meta").path("total").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(list.body().toString()).doesNotContain(secret).doesNotContain("\"secret\"");
        var one = srv.get("/api/keys/" + k.path("id").asText(), ADMIN);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body().path("data").has("secret")).isFalse();
        // The store holds no secret either.
        byte[] db = Files.readAllBytes(dir.resolve("coxswain.db"));
        assertThat(new String(db, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        // last use is recorded.
        assertThat(srv.get("/api/tasks", Map.of("X-API-Key", secret)).status()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                !srv.get("/api/keys/" + k.path("id").asText(), ADMIN).body().path("data").path("last_used_at").isNull());
    }

    @Test
    void validationErrors() {
        assertThat(srv.send("POST", "/api/keys", "{\"scopes\":[\"tasks:read\"]}", ADMIN).status()).isEqualTo(422);
        var r = srv.send("POST", "/api/keys", "{\"name\":\"x\",\"scopes\":[\"root\"]}", ADMIN);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body().path("error").path("details").has("scopes")).isTrue();
        assertThat(srv.send("POST", "/api/keys", "{\"name\":\"x\",\"scopes\":[]}", ADMIN).status()).isEqualTo(422);
        assertThat(srv.send("POST", "/api/keys", "{\"name\":\"x\",\"scopes\":\"admin\"}", ADMIN).status()).isEqualTo(422);
        assertThat(srv.send("POST", "/api/keys", "{\"name\":\"x\",\"scopes\":[\"read\"],\"tier\":\"gold\"}", ADMIN).status()).isEqualTo(422);
        assertThat(srv.send("POST", "/api/keys", "{\"name\":5,\"scopes\":[\"read\"]}", ADMIN).status()).isEqualTo(422);
        assertThat(srv.send("POST", "/api/keys", "{\"name\":", ADMIN).status()).isEqualTo(400);
        assertThat(srv.send("POST", "/api/keys", "[1]", ADMIN).status()).isEqualTo(400);
        assertThat(srv.send("PUT", "/api/keys/key-1", "{\"enabled\":\"no\"}", ADMIN).status()).isEqualTo(422);
    }

    @Test
    void unknownIdsAndWrongState() {
        assertThat(srv.get("/api/keys/key-999", ADMIN).status()).isEqualTo(404);
        assertThat(srv.get("/api/keys/nonsense", ADMIN).status()).isEqualTo(404);
        assertThat(srv.send("DELETE", "/api/keys/key-999", null, ADMIN).status()).isEqualTo(404);
        var r = srv.send("POST", "/api/keys", "{\"name\":\"gone\",\"scopes\":[\"read\"]}", ADMIN);
        String id = r.body().path("data").path("id").asText();
        var revoked = srv.send("DELETE", "/api/keys/" + id, null, ADMIN);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.body().path("data").path("revoked_at").isTextual()).isTrue();
        assertThat(srv.send("DELETE", "/api/keys/" + id, null, ADMIN).status()).isEqualTo(409);
        assertThat(srv.send("PUT", "/api/keys/" + id, "{\"enabled\":true}", ADMIN).status()).isEqualTo(409);
    }

    @Test
    void onlyAdminsManageKeys() {
        var r = srv.send("POST", "/api/keys", "{\"name\":\"writer\",\"scopes\":[\"tasks:write\",\"tasks:read\",\"jobs:write\"]}", ADMIN);
        String writer = r.body().path("data").path("secret").asText();
        assertThat(srv.get("/api/keys", SecureServer.apiKey(writer)).status()).isEqualTo(403);
        assertThat(srv.send("POST", "/api/keys", "{\"name\":\"x\",\"scopes\":[\"admin\"]}", SecureServer.apiKey(writer)).status())
                .isEqualTo(403);
        assertThat(srv.get("/api/keys", Map.of()).status()).isEqualTo(401);
    }
}
