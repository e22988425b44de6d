package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.service.ApiKeyService;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign-in, sessions, CSRF and the headers every page carries, through real HTTP. */
class UiSignInTest {
    @TempDir
    static Path dir;
    static UiServer srv;

    @BeforeAll
    static void start() {
        srv = new UiServer(dir, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    @Test
    void aBrowserWithoutASessionIsSentToSignInAndBackAfter() {
        UiClient c = srv.client();
        assertThat(c.get("/").location()).isEqualTo("/ui");
        UiClient.Page p = c.get("/ui/tasks?status=failed");
        assertThat(p.status()).isEqualTo(303);
        assertThat(p.location()).isEqualTo("/ui/sign-in?next=%2Fui%2Ftasks%3Fstatus%3Dfailed");
        UiClient.Page htmx = c.get("/ui/overview/live", Map.of("HX-Request", "true", "HX-Current-URL", srv.base() + "/ui/tasks?page=2"));
        assertThat(htmx.status()).isEqualTo(401);
        assertThat(htmx.header("HX-Redirect")).isEqualTo("/ui/sign-in?next=%2Fui%2Ftasks%3Fpage%3D2");
        UiClient.Page form = c.get("/ui/sign-in?next=%2Fui%2Ftasks");
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("name=\"credential\"").contains("value=\"/ui/tasks\"");
        UiClient.Page in = c.postRaw("/ui/sign-in", Map.of("_csrf", c.csrf(), "credential", UiServer.ADMIN, "next", "/ui/tasks"), Map.of());
        assertThat(in.status()).isEqualTo(303);
        assertThat(in.location()).isEqualTo("/ui/tasks");
        String cookie = in.headers().allValues("Set-Cookie").stream().filter(s -> s.startsWith("coxswain_session=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Max-Age=").contains("Path=/")
                .doesNotContain("Secure"); // plain HTTP here; Secure is set when the request came over TLS
        assertThat(cookie).doesNotContain(UiServer.ADMIN);
    }

    @Test
    void nextNeverLeavesTheDashboard() {
        assertThat(SignInRoutes.next("https://evil.example/")).isEqualTo("/ui");
        assertThat(SignInRoutes.next("//evil.example/ui")).isEqualTo("/ui");
        assertThat(SignInRoutes.next("/uix")).isEqualTo("/ui");
        assertThat(SignInRoutes.next("/ui/tasks?status=failed")).isEqualTo("/ui/tasks?status=failed");
    }

    @Test
    void aWrongKeyIsRefusedWithoutEchoingIt() {
        UiClient c = srv.client();
        c.get("/ui/sign-in");
        UiClient.Page p = c.postRaw("/ui/sign-in", Map.of("_csrf", c.csrf(), "credential", "cox_not_a_real_key_at_all"), Map.of());
        assertThat(p.status()).isEqualTo(401);
        assertThat(p.body()).contains("not accepted").doesNotContain("cox_not_a_real_key_at_all");
        assertThat(p.headers().allValues("Set-Cookie")).noneMatch(s -> s.startsWith("coxswain_session=") && !s.startsWith("coxswain_session=;"));
        UiClient.Page empty = c.postRaw("/ui/sign-in", Map.of("_csrf", c.csrf(), "credential", " "), Map.of());
        assertThat(empty.status()).isEqualTo(400);
    }

    @Test
    void aSignInPostWithoutTheFormsTokenIsRefused() {
        UiClient c = srv.client();
        c.get("/ui/sign-in");
        UiClient.Page p = c.postRaw("/ui/sign-in", Map.of("credential", UiServer.ADMIN), Map.of());
        assertThat(p.status()).isEqualTo(403);
        assertThat(p.body()).contains("CSRF");
        UiClient.Page other = c.postRaw("/ui/sign-in", Map.of("_csrf", c.csrf(), "credential", UiServer.ADMIN),
                Map.of("Origin", "https://evil.example"));
        assertThat(other.status()).isEqualTo(403);
    }

    @Test
    void formsWithoutTheSessionsCsrfTokenAreRefused() {
        UiClient c = srv.admin();
        c.get("/ui/sign-in"); // any page
        UiClient.Page none = c.postRaw("/ui/sign-out", Map.of(), Map.of());
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.body()).contains("CSRF");
        UiClient.Page wrong = c.postRaw("/ui/sign-out", Map.of("_csrf", "forged"), Map.of());
        assertThat(wrong.status()).isEqualTo(403);
        // Still signed in: the refused post changed nothing.
        assertThat(c.get("/ui/nothing-here").status()).isEqualTo(404);
    }

    @Test
    void signOutEndsTheSessionOnTheServer() {
        UiClient c = srv.admin();
        UiClient.Page page = c.get("/ui/nothing-here");
        assertThat(page.status()).isEqualTo(404);
        String session = c.cookies().getCookieStore().getCookies().stream().filter(k -> k.getName().equals("coxswain_session"))
                .findFirst().orElseThrow().getValue();
        UiClient probe = srv.client();
        probe.cookies().getCookieStore().add(java.net.URI.create(srv.base()), new java.net.HttpCookie("coxswain_session", session));
        c.get("/ui"); // a page: its sign-out form carries the session's CSRF token
        String csrf = c.csrf();
        UiClient.Page out = c.postRaw("/ui/sign-out", Map.of("_csrf", csrf), Map.of());
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.location()).isEqualTo("/ui/sign-in");
        // The old cookie, replayed, no longer signs anybody in.
        assertThat(probe.get("/ui/nothing-here").status()).isEqualTo(303);
    }

    @Test
    void revokingTheKeyEndsItsSessions() {
        String secret = srv.key("short-lived", Set.of(Scopes.READ));
        UiClient c = srv.client();
        c.signIn(secret);
        assertThat(c.get("/ui/nothing-here").status()).isEqualTo(404);
        ApiKeyService keys = srv.server.engine().apiKeys();
        long id = keys.list().stream().filter(k -> k.name().equals("short-lived")).findFirst().orElseThrow().id();
        keys.revoke(id);
        assertThat(c.get("/ui/nothing-here").status()).isEqualTo(303);
    }

    @Test
    void aWorkerOnlyCredentialCannotSignIn() {
        String worker = srv.key("a-worker", Set.of(Scopes.WORKERS));
        UiClient c = srv.client();
        c.get("/ui/sign-in");
        UiClient.Page p = c.postRaw("/ui/sign-in", Map.of("_csrf", c.csrf(), "credential", worker), Map.of());
        assertThat(p.status()).isEqualTo(403);
    }

    @Test
    void everyAnswerCarriesTheStrictPolicy() {
        UiClient c = srv.admin();
        for (String path : new String[] {"/ui/sign-in", "/ui/nothing-here"}) {
            UiClient.Page p = c.get(path);
            assertThat(p.header("Content-Security-Policy")).as(path).isEqualTo(UiHeaders.CSP);
            assertThat(p.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(p.header("Cache-Control")).isEqualTo("no-store");
        }
        assertThat(UiHeaders.CSP).contains("script-src 'self'").doesNotContain("unsafe");
    }

    @Test
    void staticFilesAreServedAndNothingElse() {
        UiClient c = srv.client();
        UiClient.Page css = c.get("/ui/static/app.css");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).startsWith("text/css");
        assertThat(c.get("/ui/static/app.js").header("Content-Type")).startsWith("text/javascript");
        assertThat(c.get("/ui/static/../../coxswain/version.txt").status()).isIn(400, 404);
        assertThat(c.get("/ui/static/nope.js").status()).isEqualTo(404);
        assertThat(c.get("/ui/static/app.class").status()).isEqualTo(404);
    }
}
