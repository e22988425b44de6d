package dev.coxswain.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.http.RouteTable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks the server's real route table: every route that is not explicitly open refuses a request
 * without a credential, and one with a wrong credential. A route added without the guard fails here.
 */
class AnonymousRouteWalkTest {
    @TempDir
    Path dir;

    @Test
    void everyNonPublicRouteRejectsAnonymousRequests() {
        var unlimited = new SecurityConfig(SecurityConfig.defaults().jwt(), null, SecurityConfig.defaultLimits(), 0);
        try (SecureServer srv = new SecureServer(dir, unlimited, new MutableClock(Instant.parse("2026-06-01T00:00:00Z")))) {
            var routes = srv.server.routes();
            assertThat(routes).hasSizeGreaterThan(15);
            int checked = 0;
            for (RouteTable.Route r : routes) {
                String path = r.path().replaceAll("\\{[^}]+}", "x-1");
                String body = r.method().text().equals("POST") || r.method().text().equals("PUT") ? "{}" : null;
                var anon = srv.send(r.method().text(), path, body, Map.of());
                var wrong = srv.send(r.method().text(), path, body, Map.of("X-API-Key", "cox_wrong"));
                if (r.access() == RouteTable.Access.AUTHENTICATED) {
                    assertThat(anon.status()).as(r.method().text() + " " + r.path() + " without a credential").isEqualTo(401);
                    assertThat(wrong.status()).as(r.method().text() + " " + r.path() + " with a wrong key").isEqualTo(401);
                    checked++;
                } else {
                    assertThat(anon.status()).as(r.method().text() + " " + r.path() + " is open").isNotIn(401, 403);
                }
            }
            assertThat(checked).isGreaterThan(15);
        }
    }
}
