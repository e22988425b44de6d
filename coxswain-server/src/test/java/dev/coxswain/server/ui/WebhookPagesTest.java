package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Webhook;
import dev.coxswain.core.webhook.WebhookService;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /ui/webhooks} through real HTTP: admin only, a generated secret shown once, a typed one never. */
class WebhookPagesTest {
    /** A public address literal: accepted without a DNS lookup (nothing listens there for these tests). */
    static final String URL = "http://93.184.215.14/hooks/coxswain";
    private static final Pattern SECRET = Pattern.compile("<code id=\"secret\">(whsec_[0-9a-f]+)</code>");

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

    WebhookService hooks() {
        return srv.server.engine().webhooks();
    }

    Webhook byDescription(String d) {
        return hooks().list(0, 1000).items().stream().filter(w -> d.equals(w.description())).findFirst().orElseThrow();
    }

    @Test
    void aGeneratedSecretIsShownOnceAndNeverOnTheList() {
        UiClient c = srv.admin();
        UiClient.Page list = c.get("/ui/webhooks");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("<h1>Webhooks</h1>").contains("name=\"events\" value=\"task.completed\"");
        UiClient.Page made = c.postBody("/ui/webhooks", "_csrf=" + c.csrf() + "&url=" + enc(URL)
                + "&events=task.completed&events=task.failed&secret=&description=generated", Map.of());
        assertThat(made.status()).isEqualTo(200);
        assertThat(made.location()).isNull();
        Matcher m = SECRET.matcher(made.body());
        assertThat(m.find()).isTrue();
        String secret = m.group(1);
        assertThat(KeyPagesTest.count(made.body(), secret)).isEqualTo(1);
        assertThat(made.body()).contains("class=\"secret-once\"").contains("Copy it now, it will not be shown again");
        Webhook w = byDescription("generated");
        assertThat(w.events()).containsExactlyInAnyOrder("task.completed", "task.failed");
        assertThat(w.enabled()).isTrue();
        UiClient.Page after = c.get("/ui/webhooks");
        assertThat(after.body()).contains(URL).contains("wh-" + w.id()).doesNotContain(secret).doesNotContain("whsec_");
        assertThat(c.get("/ui/webhooks/wh-" + w.id()).body()).doesNotContain(secret).contains("never shown after creation");
    }

    @Test
    void aTypedSecretIsNeverEchoed() {
        String typed = "my-own-signing-secret-0123456789";
        UiClient c = srv.admin();
        c.get("/ui/webhooks");
        UiClient.Page made = c.post("/ui/webhooks", Map.of("url", URL, "events", "task.created", "secret", typed,
                "description", "typed"));
        assertThat(made.status()).isEqualTo(303);
        Webhook w = byDescription("typed");
        assertThat(made.location()).isEqualTo("/ui/webhooks/wh-" + w.id());
        assertThat(made.body()).doesNotContain(typed);
        assertThat(made.headers().allValues("Set-Cookie")).noneMatch(s -> s.contains(typed) || s.contains("my-own"));
        UiClient.Page page = c.get(made.location());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("created; it signs deliveries with the secret you entered").doesNotContain(typed);
        assertThat(c.get("/ui/webhooks").body()).doesNotContain(typed);
        // Too short: refused with the rule, not the value.
        UiClient.Page shortOne = c.post("/ui/webhooks", Map.of("url", URL, "events", "task.created", "secret", "tiny-secret"));
        assertThat(shortOne.status()).isEqualTo(400);
        assertThat(shortOne.body()).contains("at least 16").doesNotContain("tiny-secret");
    }

    @Test
    void theApisUrlAndEventRulesApply() {
        UiClient c = srv.admin();
        c.get("/ui/webhooks");
        UiClient.Page loop = c.post("/ui/webhooks", Map.of("url", "http://127.0.0.1:9/x", "events", "task.created"));
        assertThat(loop.status()).isEqualTo(400);
        assertThat(loop.body()).contains("loopback");
        UiClient.Page ftp = c.post("/ui/webhooks", Map.of("url", "ftp://93.184.215.14/x", "events", "task.created"));
        assertThat(ftp.status()).isEqualTo(400);
        assertThat(ftp.body()).contains("http or https");
        UiClient.Page noEvents = c.post("/ui/webhooks", Map.of("url", URL, "description", "no-events"));
        assertThat(noEvents.status()).isEqualTo(400);
        assertThat(noEvents.body()).contains("events");
        UiClient.Page unknown = c.post("/ui/webhooks", Map.of("url", URL, "events", "task.exploded"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(hooks().list(0, 1000).items()).noneMatch(w -> "no-events".equals(w.description()));
    }

    @Test
    void disableEnableAndDelete() {
        Webhook w = hooks().create(new WebhookService.NewWebhook(URL, Set.of("task.created"), null, true, "toggle")).webhook();
        UiClient c = srv.admin();
        assertThat(c.get("/ui/webhooks").body()).contains("action=\"/ui/webhooks/wh-" + w.id() + "/disable\"");
        UiClient.Page off = c.post("/ui/webhooks/wh-" + w.id() + "/disable", Map.of());
        assertThat(off.status()).isEqualTo(303);
        assertThat(hooks().get(w.id()).enabled()).isFalse();
        assertThat(c.get("/ui/webhooks").body()).contains("disabled").contains("action=\"/ui/webhooks/wh-" + w.id() + "/enable\"");
        assertThat(c.post("/ui/webhooks/wh-" + w.id() + "/enable", Map.of()).status()).isEqualTo(303);
        assertThat(hooks().get(w.id()).enabled()).isTrue();
        c.get("/ui/webhooks");
        UiClient.Page gone = c.post("/ui/webhooks/wh-" + w.id() + "/delete", Map.of());
        assertThat(gone.status()).isEqualTo(303);
        assertThat(c.get("/ui/webhooks").body()).contains("wh-" + w.id() + " deleted.");
        assertThat(c.get("/ui/webhooks/wh-" + w.id()).status()).isEqualTo(404);
        assertThat(c.get("/ui/webhooks").status()).isEqualTo(200);
        assertThat(c.post("/ui/webhooks/wh-" + w.id() + "/delete", Map.of()).status()).isEqualTo(404);
        assertThat(c.get("/ui/webhooks/nope").status()).isEqualTo(404);
    }

    @Test
    void recentDeliveriesAreListedWithTheirStatus() {
        Webhook w = hooks().create(new WebhookService.NewWebhook(URL, Set.of("task.created"), null, true, "deliveries")).webhook();
        long task = srv.server.engine().tasks().create(new NewTask("noop-for-webhook", "watched", null, Json.object(), 5, 0,
                "exponential", null, 60, List.of(), List.of(), false, "api", null)).id();
        UiClient c = srv.admin();
        UiClient.Page page = c.get("/ui/webhooks/wh-" + w.id());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("task.created").contains("href=\"/ui/tasks/task-" + task + "\"");
        assertThat(c.get("/ui/webhooks").body()).containsPattern("class=\"badge [^\"]+\" title=\"task.created");
    }

    @Test
    void nonAdminsAndFormsWithoutCsrfAreRefused() {
        UiClient admin = srv.admin();
        admin.get("/ui/webhooks");
        assertThat(admin.postRaw("/ui/webhooks", Map.of("url", URL, "events", "task.created", "description", "no-csrf"), Map.of())
                .status()).isEqualTo(403);
        assertThat(hooks().list(0, 1000).items()).noneMatch(w -> "no-csrf".equals(w.description()));
        Webhook w = hooks().create(new WebhookService.NewWebhook(URL, Set.of("task.created"), null, true, "kept")).webhook();
        String writer = srv.key("writer", Set.of(Scopes.READ, Scopes.TASKS_WRITE, Scopes.JOBS_WRITE));
        UiClient c = srv.client();
        c.signIn(writer);
        assertThat(c.get("/ui/webhooks").status()).isEqualTo(403);
        assertThat(c.get("/ui/webhooks/wh-" + w.id()).status()).isEqualTo(403);
        String csrf = AdminPagesSupport.csrf(srv, c);
        assertThat(c.postRaw("/ui/webhooks/wh-" + w.id() + "/delete", Map.of("_csrf", csrf), Map.of()).status()).isEqualTo(403);
        assertThat(c.postRaw("/ui/webhooks", Map.of("_csrf", csrf, "url", URL, "events", "task.created"), Map.of()).status())
                .isEqualTo(403);
        assertThat(hooks().get(w.id()).enabled()).isTrue();
    }

    @Test
    void aDescriptionWithMarkupIsShownAsText() {
        hooks().create(new WebhookService.NewWebhook(URL, Set.of("task.created"), null, true, "<script>alert(1)</script>"));
        UiClient c = srv.admin();
        UiClient.Page p = c.get("/ui/webhooks");
        assertThat(p.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
