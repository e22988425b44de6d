package dev.coxswain.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.files.LocalFileRoutes;
import dev.coxswain.server.http.RouteTable;
import dev.coxswain.server.worker.WorkerApi;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks the server's real route table: every route that is not explicitly open refuses a request
 * without a credential, and one with a wrong credential. A route added without the guard fails here.
 * The refusal is 401, except on the worker face ({@code /_worker}), whose protocol answers a failed
 * authentication with 403 {@code {"error": "Unauthorized: …"}} (a 401 there makes the SDK refresh a token).
 */
class AnonymousRouteWalkTest {
    @TempDir
    Path dir;

    /**
     * The route's path with every parameter filled. An id names nothing ({@code x-1}); an
     * {@code api_version} is {@code v1}, the one the orchestrator face always serves (any other
     * would be an unknown route, refused before authentication as the original does).
     */
    static String fill(String template) {
        return template.replace("{api_version}", "v1").replaceAll("\\{[^}]+}", "x-1");
    }

    @Test
    void everyNonPublicRouteRejectsAnonymousRequests() {
        var unlimited = new SecurityConfig(SecurityConfig.defaults().jwt(), null, SecurityConfig.defaultLimits(), 0);
        try (SecureServer srv = new SecureServer(dir, unlimited, new MutableClock(Instant.parse("2026-06-01T00:00:00Z")))) {
            // Blueprint endpoints are routes only for the paths a blueprint serves: one at the walk's path.
            srv.server.engine().workflows().register("""
                    {"name": "walk", "api_endpoint": "/x-1", "states": {
                      "ask": {"start": true, "type": "approval", "transitions": {"approved": "finished"}},
                      "finished": {"type": "end"}}}""", "json", "walk");
            var routes = srv.server.routes();
            assertThat(routes).hasSizeGreaterThan(15);
            int checked = 0, signed = 0, pages = 0;
            for (RouteTable.Route r : routes) {
                String path = fill(r.path());
                boolean worker = r.face().equals(WorkerApi.FACE);
                // A worker's token refresh presents its credential in the body: a wrong refresh token.
                String body = r.method().text().equals("POST") || r.method().text().equals("PUT")
                        ? worker ? "{\"refresh_token\": \"sts_wrong\"}" : "{}" : null;
                var anon = srv.send(r.method().text(), path, body, Map.of());
                var wrong = srv.send(r.method().text(), path, body, worker
                        ? Map.of("X-Worker-Token", "cox_wrong", "X-Worker-ID", "x-1", "X-API-Key", "cox_wrong")
                        : Map.of("X-API-Key", "cox_wrong"));
                if (r.access() == RouteTable.Access.AUTHENTICATED && r.face().equals(dev.coxswain.server.ui.UiApi.FACE)) {
                    // The dashboard's pages send a browser without a session to the sign-in page;
                    // an API credential is no session.
                    for (var refusal : List.of(anon, wrong)) {
                        assertThat(refusal.status()).as(r.method().text() + " " + r.path()).isEqualTo(303);
                        assertThat(refusal.header("Location")).as(r.method().text() + " " + r.path()).startsWith("/ui/sign-in");
                    }
                    pages++;
                } else if (r.access() == RouteTable.Access.AUTHENTICATED) {
                    int refused = worker ? 403 : 401;
                    assertThat(anon.status()).as(r.method().text() + " " + r.path() + " without a credential").isEqualTo(refused);
                    assertThat(wrong.status()).as(r.method().text() + " " + r.path() + " with a wrong key").isEqualTo(refused);
                    if (worker) {
                        for (var refusal : List.of(anon, wrong)) {
                            assertThat(refusal.body()).as(r.method().text() + " " + r.path() + " answers JSON").isNotNull();
                            assertThat(refusal.body().path("error").asText()).as(r.method().text() + " " + r.path() + ": " + refusal.body())
                                    .startsWith("Unauthorized: ");
                        }
                    }
                    checked++;
                } else if (r.face().equals(LocalFileRoutes.FACE)) {
                    // The local file store's links: open to any client, the signature in the query is the credential.
                    assertThat(anon.status()).as(r.method().text() + " " + r.path() + " without a signature").isEqualTo(403);
                    assertThat(wrong.status()).as(r.method().text() + " " + r.path() + " with a key but no signature").isEqualTo(403);
                    signed++;
                } else if (r.face().equals(dev.coxswain.server.ui.UiApi.FACE) && r.method().text().equals("POST")) {
                    // The sign-in form is open, but refuses a post without the form's own anti-forgery token.
                    assertThat(anon.status()).as(r.method().text() + " " + r.path() + " without its form token").isEqualTo(403);
                } else {
                    assertThat(anon.status()).as(r.method().text() + " " + r.path() + " is open").isNotIn(401, 403);
                }
            }
            assertThat(checked).isGreaterThan(15);
            assertThat(signed).isEqualTo(2);
            assertThat(pages).isGreaterThan(0);
        }
    }
}
