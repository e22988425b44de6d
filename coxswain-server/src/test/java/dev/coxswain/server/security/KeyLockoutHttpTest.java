package dev.coxswain.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.SecurityConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No change through {@code /api/keys} locks an admin, or every admin, out for good. */
class KeyLockoutHttpTest {
    static final Map<String, String> ADMIN = SecureServer.apiKey(SecureServer.ADMIN);

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));

    /** The configured admin key is key-1. */
    SecureServer start() {
        return new SecureServer(dir, SecurityConfig.defaults(), clock);
    }

    @Test
    void anAdminCannotDisableRevokeOrNarrowTheKeyTheyUse() {
        try (SecureServer srv = start()) {
            var disable = srv.send("PUT", "/api/keys/key-1", "{\"enabled\":false}", ADMIN);
            assertThat(disable.status()).isEqualTo(409);
            assertThat(disable.body().path("error").path("code").asText()).isEqualTo("conflict");
            assertThat(disable.body().path("error").path("message").asText()).contains("key-1", "another admin key");
            var narrow = srv.send("PUT", "/api/keys/key-1", "{\"scopes\":[\"tasks:read\"]}", ADMIN);
            assertThat(narrow.status()).isEqualTo(409);
            var revoke = srv.send("DELETE", "/api/keys/key-1", null, ADMIN);
            assertThat(revoke.status()).isEqualTo(409);
            assertThat(revoke.body().path("error").path("message").asText()).contains("key-1");

            assertThat(srv.get("/api/keys/key-1", ADMIN).body().path("data").path("enabled").asBoolean()).isTrue();
            assertThat(srv.get("/api/tasks", ADMIN).status()).isEqualTo(200);
            // Other changes to one's own key are fine.
            assertThat(srv.send("PUT", "/api/keys/key-1", "{\"name\":\"renamed\"}", ADMIN).status()).isEqualTo(200);
        }
    }

    @Test
    void anotherAdminMayDisableAKeyAndTheConfiguredKeyIsHonouredAgainAtTheNextStart() {
        String second;
        try (SecureServer srv = start()) {
            var r = srv.send("POST", "/api/keys", "{\"name\":\"ops\",\"scopes\":[\"admin\"]}", ADMIN);
            second = r.body().path("data").path("secret").asText();
            var revoked = srv.send("DELETE", "/api/keys/key-1", null, SecureServer.apiKey(second));
            assertThat(revoked.status()).isEqualTo(200);
            assertThat(srv.get("/api/tasks", ADMIN).status()).isEqualTo(401);
            // The second admin is now the last one: even another principal could not remove it,
            // and it cannot remove itself.
            assertThat(srv.send("PUT", "/api/keys/key-2", "{\"enabled\":false}", SecureServer.apiKey(second)).status())
                    .isEqualTo(409);
        }
        try (SecureServer srv = start()) {
            assertThat(srv.get("/api/tasks", ADMIN).status()).as("the configured admin key after a restart").isEqualTo(200);
            var k = srv.get("/api/keys/key-1", ADMIN).body().path("data");
            assertThat(k.path("enabled").asBoolean()).isTrue();
            assertThat(k.path("revoked_at").isNull()).isTrue();
            assertThat(k.path("scopes").toString()).contains("admin");
            assertThat(srv.send("PUT", "/api/keys/key-1", "{\"enabled\":false}", SecureServer.apiKey(second)).status())
                    .isEqualTo(200);
        }
        try (SecureServer srv = start()) {
            assertThat(srv.get("/api/tasks", ADMIN).status()).as("after being disabled and a restart").isEqualTo(200);
        }
    }
}
