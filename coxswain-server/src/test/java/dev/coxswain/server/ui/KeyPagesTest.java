package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.service.ApiKeyService;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /ui/keys} through real HTTP: admin only, the secret shown once, the API's revoke rules. */
class KeyPagesTest {
    private static final Pattern SECRET = Pattern.compile("<code id=\"secret\">(cox_[A-Za-z0-9]+)</code>");

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
    void theListShowsKeysWithoutSecrets() {
        UiClient c = srv.admin();
        UiClient.Page p = c.get("/ui/keys");
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).contains("<h1>API keys</h1>").contains("href=\"/ui/keys\" aria-current=\"page\"")
                .contains("this session").contains("name=\"scopes\" value=\"admin\"").contains("value=\"unlimited\"")
                .doesNotContain(UiServer.ADMIN);
    }

    @Test
    void aNewKeysSecretIsShownOnceInTheCreateAnswerOnly() {
        UiClient c = srv.admin();
        c.get("/ui/keys");
        UiClient.Page made = c.postBody("/ui/keys", "_csrf=" + c.csrf() + "&name=ci-runner&scopes=read&scopes=tasks%3Awrite"
                + "&tier=pro&worker_id=&monthly_job_quota=", Map.of());
        assertThat(made.status()).isEqualTo(200);
        assertThat(made.location()).isNull();
        assertThat(made.headers().allValues("Set-Cookie")).noneMatch(s -> s.contains("cox_"));
        assertThat(made.header("Cache-Control")).isEqualTo("no-store");
        Matcher m = SECRET.matcher(made.body());
        assertThat(m.find()).isTrue();
        String secret = m.group(1);
        assertThat(made.body()).contains("class=\"secret-once\"").contains("Copy it now, it will not be shown again");
        assertThat(count(made.body(), secret)).isEqualTo(1);
        // The key works, with what was asked for.
        ApiKey k = srv.server.engine().apiKeys().list().stream().filter(x -> x.name().equals("ci-runner")).findFirst().orElseThrow();
        assertThat(k.scopes()).containsExactlyInAnyOrder(Scopes.READ, Scopes.TASKS_WRITE);
        assertThat(k.tier().wire()).isEqualTo("pro");
        assertThat(srv.server.engine().apiKeys().authenticate(secret)).isPresent();
        // Never again: the list shows the prefix only.
        UiClient.Page list = c.get("/ui/keys");
        assertThat(list.body()).contains("ci-runner").contains(k.prefix()).doesNotContain(secret);
    }

    @Test
    void aKeyWithoutScopesOrNameIsRefusedWithTheReasons() {
        UiClient c = srv.admin();
        c.get("/ui/keys");
        UiClient.Page p = c.post("/ui/keys", Map.of("name", "no-scopes"));
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.body()).contains("scopes");
        UiClient.Page q = c.post("/ui/keys", Map.of("name", "x", "scopes", "read", "monthly_job_quota", "lots"));
        assertThat(q.status()).isEqualTo(400);
        assertThat(srv.server.engine().apiKeys().list()).noneMatch(k -> k.name().equals("no-scopes"));
    }

    @Test
    void disableEnableAndRevokeAnotherKey() {
        srv.key("victim", Set.of(Scopes.READ));
        ApiKeyService keys = srv.server.engine().apiKeys();
        long id = keys.list().stream().filter(k -> k.name().equals("victim")).findFirst().orElseThrow().id();
        UiClient c = srv.admin();
        UiClient.Page list = c.get("/ui/keys");
        assertThat(list.body()).contains("action=\"/ui/keys/key-" + id + "/disable\"").contains("data-confirm=");
        UiClient.Page off = c.post("/ui/keys/key-" + id + "/disable", Map.of());
        assertThat(off.status()).isEqualTo(303);
        assertThat(off.location()).isEqualTo("/ui/keys");
        assertThat(keys.get(id).enabled()).isFalse();
        assertThat(c.get("/ui/keys").body()).contains("disabled.").contains("action=\"/ui/keys/key-" + id + "/enable\"");
        assertThat(c.post("/ui/keys/key-" + id + "/enable", Map.of()).status()).isEqualTo(303);
        assertThat(keys.get(id).enabled()).isTrue();
        c.get("/ui/keys");
        assertThat(c.post("/ui/keys/key-" + id + "/revoke", Map.of()).status()).isEqualTo(303);
        assertThat(keys.get(id).revoked()).isTrue();
        UiClient.Page after = c.get("/ui/keys");
        assertThat(after.body()).contains("revoked").doesNotContain("action=\"/ui/keys/key-" + id + "/revoke\"");
        // Revoked is for good: the service refuses a change, shown as the dashboard's 409.
        UiClient.Page again = c.post("/ui/keys/key-" + id + "/enable", Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("revoked");
    }

    @Test
    void theLastAdminKeyCannotBeRevoked() {
        try (UiServer own = new UiServer(dir.resolve("last-admin"), Clock.systemUTC())) {
            ApiKeyService keys = own.server.engine().apiKeys();
            String second = own.key("second-admin", Set.of(Scopes.ADMIN));
            long config = keys.list().stream().filter(k -> k.prefix().equals(UiServer.ADMIN.substring(0, 8))).findFirst()
                    .orElseThrow().id();
            long mine = keys.list().stream().filter(k -> k.name().equals("second-admin")).findFirst().orElseThrow().id();
            UiClient c = own.client();
            c.signIn(second);
            UiClient.Page list = c.get("/ui/keys");
            // One's own key has no revoke button…
            assertThat(list.body()).doesNotContain("action=\"/ui/keys/key-" + mine + "/revoke\"")
                    .contains("action=\"/ui/keys/key-" + config + "/revoke\"");
            assertThat(c.post("/ui/keys/key-" + config + "/revoke", Map.of()).status()).isEqualTo(303);
            // …and the last admin key left (this session's) is refused when posted anyway.
            c.get("/ui/keys");
            UiClient.Page refused = c.post("/ui/keys/key-" + mine + "/revoke", Map.of());
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body()).contains("key-" + mine);
            UiClient.Page disable = c.post("/ui/keys/key-" + mine + "/disable", Map.of());
            assertThat(disable.status()).isEqualTo(409);
            assertThat(keys.get(mine).usable()).isTrue();
            assertThat(c.get("/ui/keys").status()).isEqualTo(200);
        }
    }

    @Test
    void nonAdminsGetNoKeyPagesAtAll() {
        String reader = srv.key("reader", Set.of(Scopes.READ, Scopes.TASKS_WRITE));
        UiClient c = srv.client();
        c.signIn(reader);
        UiClient.Page p = c.get("/ui/keys");
        assertThat(p.status()).isEqualTo(403);
        String csrf = AdminPagesSupport.csrf(srv, c);
        UiClient.Page post = c.postRaw("/ui/keys", Map.of("_csrf", csrf, "name", "sneaky", "scopes", "admin"), Map.of());
        assertThat(post.status()).isEqualTo(403);
        long admin = srv.server.engine().apiKeys().list().get(0).id();
        assertThat(c.postRaw("/ui/keys/key-" + admin + "/revoke", Map.of("_csrf", csrf), Map.of()).status()).isEqualTo(403);
        assertThat(srv.server.engine().apiKeys().list()).noneMatch(k -> k.name().equals("sneaky"));
        assertThat(srv.server.engine().apiKeys().get(admin).usable()).isTrue();
    }

    @Test
    void formsWithoutCsrfAndUnknownIdsAreRefused() {
        UiClient c = srv.admin();
        c.get("/ui/keys");
        assertThat(c.postRaw("/ui/keys", Map.of("name", "no-token", "scopes", "read"), Map.of()).status()).isEqualTo(403);
        assertThat(srv.server.engine().apiKeys().list()).noneMatch(k -> k.name().equals("no-token"));
        assertThat(c.post("/ui/keys/key-999999/revoke", Map.of()).status()).isEqualTo(404);
        assertThat(c.post("/ui/keys/bogus/disable", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void aKeyNamedLikeMarkupIsShownAsText() {
        srv.key("<script>alert(1)</script>", Set.of(Scopes.READ));
        UiClient c = srv.admin();
        UiClient.Page p = c.get("/ui/keys");
        assertThat(p.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
        return n;
    }
}
