package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task pages through real HTTP: list, create form, task page, cancel, retry, bulk, permissions. */
class TaskPagesTest {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String XSS = "<script>alert(1)</script>";

    @TempDir
    static Path dir;
    static final MutableClock clock = new MutableClock(T0);
    static UiServer srv;
    static UiClient admin;

    @BeforeAll
    static void start() {
        srv = new UiServer(dir, clock);
        admin = srv.admin();
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    // ---- helpers ---------------------------------------------------------------------------

    static Task shell(String name, String command, List<String> tags, Instant at, List<Long> deps) {
        return srv.server.engine().tasks().create(new NewTask("shell", name, null, Json.object().put("command", command), 5, 0,
                Backoff.EXPONENTIAL, at, 60, tags, deps, false, "api", null));
    }

    static Task shell(String name, String command) {
        return shell(name, command, List.of(), null, List.of());
    }

    /** A task that waits (pending) until tomorrow: cancellable, never run by the test's clock. */
    static Task later(String name, List<Long> deps) {
        return shell(name, "true", List.of(), T0.plus(Duration.ofDays(1)), deps);
    }

    static Task awaitStatus(long id, TaskStatus s) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> task(id), t -> t.status() == s);
    }

    static Task task(long id) {
        return srv.server.engine().tasks().get(id);
    }

    static UiClient signedIn(String name, Set<String> scopes) {
        UiClient c = srv.client();
        c.signIn(srv.key(name, scopes));
        return c;
    }

    static Map<String, String> form(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    // ---- the task page ---------------------------------------------------------------------

    @Test
    void theTaskPageShowsItsFieldsAttemptsAndTheLogStreamWithNamesEscaped() {
        Task t = shell(XSS, "echo 'hello <i>'", List.of("nightly", "a&b"), null, List.of());
        awaitStatus(t.id(), TaskStatus.COMPLETED);
        UiClient.Page p = admin.get("/ui/tasks/task-" + t.id());
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.header("Content-Security-Policy")).isEqualTo(UiHeaders.CSP);
        String html = p.body();
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(XSS);
        assertThat(html).contains("<span class=\"badge status-completed\">completed</span>");
        assertThat(html).contains(">shell<").contains("echo 'hello &lt;i&gt;'").contains("Command");
        assertThat(html).contains("2030-01-01 00:00:00"); // created, in the server's zone (UTC here)
        assertThat(html).contains("href=\"/ui/tasks?tag=a%26b\"");
        assertThat(html).contains("data-log-stream=\"/ui/tasks/task-" + t.id() + "/log/stream\"").contains("data-log-status")
                .contains("aria-live=\"polite\"");
        assertThat(html).contains("<td class=\"mono\">worker-ui</td>").contains("status-completed\">completed</span></td>");
        assertThat(html).contains("hello &lt;i&gt;"); // the log for browsers without script, escaped too
        assertThat(html).contains("Exit code").contains("Checkpoints are off");
        // A finished task offers no cancel; a completed one no retry.
        assertThat(html).doesNotContain("/cancel\"").doesNotContain("/retry\"");
    }

    @Test
    void dependenciesAreDrawnWithLinksBothWays() {
        Task root = later("root " + XSS, List.of());
        Task mid = later("mid", List.of(root.id()));
        Task leaf = later("leaf", List.of(mid.id(), root.id()));
        String html = admin.get("/ui/tasks/task-" + mid.id()).body();
        assertThat(html).contains("<svg").contains("href=\"/ui/tasks/task-" + root.id() + "\"")
                .contains("href=\"/ui/tasks/task-" + leaf.id() + "\"");
        assertThat(html).doesNotContain(XSS).contains("&lt;script&gt;");
        assertThat(html).contains("is-current");
        String leafHtml = admin.get("/ui/tasks/task-" + leaf.id()).body();
        assertThat(leafHtml).contains("href=\"/ui/tasks/task-" + mid.id() + "\"");
        String alone = admin.get("/ui/tasks/task-" + shell("alone", "true").id()).body();
        assertThat(alone).doesNotContain("<svg").contains("depends on no other task");
    }

    @Test
    void unknownOrMalformedIdsAre404() {
        for (String id : List.of("task-99999999", "bogus", "task-0", "task-01", "42", "task-x")) {
            UiClient.Page p = admin.get("/ui/tasks/" + id);
            assertThat(p.status()).as(id).isEqualTo(404);
            assertThat(p.body()).contains("Not found");
        }
    }

    // ---- cancel and retry ------------------------------------------------------------------

    @Test
    void cancelAndRetryFromTheTaskPage() {
        Task t = later("to cancel", List.of());
        String html = admin.get("/ui/tasks/task-" + t.id()).body();
        assertThat(html).contains("action=\"/ui/tasks/task-" + t.id() + "/cancel\"").contains("data-confirm=\"Cancel task-" + t.id() + "?\"")
                .doesNotContain("/retry\"");
        UiClient.Page r = admin.post("/ui/tasks/task-" + t.id() + "/cancel", Map.of());
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.location()).isEqualTo("/ui/tasks/task-" + t.id());
        assertThat(task(t.id()).status()).isEqualTo(TaskStatus.CANCELLED);
        UiClient.Page after = admin.get(r.location());
        assertThat(after.body()).contains("Task task-" + t.id() + " cancelled.");
        UiClient.Page again = admin.post("/ui/tasks/task-" + t.id() + "/cancel", Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("already cancelled");

        Task f = shell("fails", "exit 4");
        awaitStatus(f.id(), TaskStatus.FAILED);
        String failed = admin.get("/ui/tasks/task-" + f.id()).body();
        assertThat(failed).contains("action=\"/ui/tasks/task-" + f.id() + "/retry\"").contains(">4<");
        UiClient.Page rr = admin.post("/ui/tasks/task-" + f.id() + "/retry", Map.of());
        assertThat(rr.status()).isEqualTo(303);
        assertThat(task(f.id()).retryCount()).isEqualTo(1);
        assertThat(admin.post("/ui/tasks/task-999999/retry", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void aReadOnlyKeySeesNoWriteControlsAndItsPostsAreRefused() {
        UiClient ro = signedIn("read-only", Set.of(Scopes.READ));
        Task pending = later("pending for ro", List.of());
        Task f = shell("failed for ro", "exit 1");
        awaitStatus(f.id(), TaskStatus.FAILED);
        String html = ro.get("/ui/tasks/task-" + pending.id()).body();
        assertThat(html).contains("pending for ro").doesNotContain("/cancel\"").doesNotContain("<button type=\"submit\" class=\"danger\"");
        assertThat(ro.get("/ui/tasks/task-" + f.id()).body()).doesNotContain("/retry\"");
        assertThat(ro.get("/ui/tasks/new").status()).isEqualTo(403);
        ro.get("/ui/tasks/task-" + pending.id()); // a page with the session's CSRF token
        assertThat(ro.post("/ui/tasks/task-" + pending.id() + "/cancel", Map.of()).status()).isEqualTo(403);
        assertThat(ro.post("/ui/tasks/task-" + f.id() + "/retry", Map.of()).status()).isEqualTo(403);
        assertThat(ro.post("/ui/tasks", form("name", "x", "command", "true")).status()).isEqualTo(403);
        assertThat(task(pending.id()).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(task(f.id()).status()).isEqualTo(TaskStatus.FAILED);
    }

    @Test
    void postsWithoutTheCsrfTokenAreRefusedAndChangeNothing() {
        Task t = later("csrf target", List.of());
        admin.get("/ui/tasks/task-" + t.id());
        assertThat(admin.postRaw("/ui/tasks/task-" + t.id() + "/cancel", Map.of(), Map.of()).status()).isEqualTo(403);
        assertThat(admin.postRaw("/ui/tasks/task-" + t.id() + "/cancel", Map.of("_csrf", "forged"), Map.of()).status()).isEqualTo(403);
        assertThat(admin.postRaw("/ui/tasks", form("name", "n", "command", "true"), Map.of()).status()).isEqualTo(403);
        assertThat(task(t.id()).status()).isEqualTo(TaskStatus.PENDING);
    }

    // ---- create ----------------------------------------------------------------------------

    @Test
    void theCreateFormMakesAShellTaskAndGoesToItsPage() {
        UiClient.Page f = admin.get("/ui/tasks/new");
        assertThat(f.status()).isEqualTo(200);
        assertThat(f.body()).contains("name=\"name\"").contains("name=\"command\"").contains("name=\"priority\"")
                .contains("name=\"tags\"").contains("name=\"max_retries\"").contains("name=\"timeout_seconds\"")
                .contains("name=\"scheduled_at\"").contains("value=\"5\"").contains("<label for=\"f-name\">");
        UiClient.Page r = admin.post("/ui/tasks", form("name", "made " + XSS, "command", "echo made\r\necho twice", "priority", "8",
                "tags", " ops, nightly ,,ops", "max_retries", "2", "timeout_seconds", "120", "scheduled_at", "2030-01-02T03:04"));
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.location()).matches("/ui/tasks/task-\\d+");
        long id = TaskPages.taskId(r.location().substring("/ui/tasks/".length()));
        Task t = task(id);
        assertThat(t.name()).isEqualTo("made " + XSS);
        assertThat(t.type()).isEqualTo("shell");
        assertThat(t.payload().get("command").asText()).isEqualTo("echo made\necho twice");
        assertThat(t.priority()).isEqualTo(8);
        assertThat(t.tags()).containsExactly("ops", "nightly");
        assertThat(t.maxRetries()).isEqualTo(2);
        assertThat(t.timeoutSeconds()).isEqualTo(120);
        assertThat(t.scheduledAt()).isEqualTo(Instant.parse("2030-01-02T03:04:00Z"));
        assertThat(t.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(t.originKind()).isEqualTo("ui");
        UiClient.Page page = admin.get(r.location());
        assertThat(page.body()).contains("Task task-" + id + " created.").contains("made &lt;script&gt;");

        // Defaults as the API's: priority 5, 3 retries, an hour, now.
        UiClient.Page d = admin.post("/ui/tasks", form("name", "defaults", "command", "true"));
        Task dt = task(TaskPages.taskId(d.location().substring("/ui/tasks/".length())));
        assertThat(dt.priority()).isEqualTo(5);
        assertThat(dt.maxRetries()).isEqualTo(3);
        assertThat(dt.timeoutSeconds()).isEqualTo(3600);
        assertThat(dt.scheduledAt()).isNull();
    }

    @Test
    void invalidInputComesBackWithEveryProblemAndTheValuesKept() {
        admin.get("/ui/tasks/new");
        UiClient.Page r = admin.post("/ui/tasks", form("name", " ", "command", "", "priority", "11", "tags", "keep <me>",
                "max_retries", "-1", "timeout_seconds", "soon", "scheduled_at", "tomorrow"));
        assertThat(r.status()).isEqualTo(400);
        String html = r.body();
        assertThat(html).contains("id=\"e-name\"").contains("id=\"e-command\"").contains("id=\"e-priority\"")
                .contains("id=\"e-max_retries\"").contains("id=\"e-timeout_seconds\"").contains("id=\"e-scheduled_at\"");
        assertThat(html).contains("must be between 1 and 10").contains("must be a whole number");
        assertThat(html).contains("value=\"keep &lt;me").doesNotContain("<me>").contains("value=\"11\"").contains("value=\"soon\"");
        assertThat(html).contains("aria-invalid=\"true\"");
        // A name too long for the API is refused with the API's words.
        UiClient.Page longName = admin.post("/ui/tasks", form("name", "x".repeat(256), "command", "true"));
        assertThat(longName.status()).isEqualTo(400);
        assertThat(longName.body()).contains("must be at most 255 characters");
    }

    @Test
    void creatingAShellTaskNeedsJobsWriteAsInTheApi() {
        UiClient tw = signedIn("tasks-writer", Set.of(Scopes.TASKS_WRITE, Scopes.TASKS_READ));
        assertThat(tw.get("/ui/tasks/new").status()).isEqualTo(403);
        Task t = later("writer may cancel", List.of());
        String html = tw.get("/ui/tasks/task-" + t.id()).body();
        assertThat(html).contains("/cancel\"");
        assertThat(tw.post("/ui/tasks", form("name", "x", "command", "true")).status()).isEqualTo(403);
        assertThat(tw.post("/ui/tasks/task-" + t.id() + "/cancel", Map.of()).status()).isEqualTo(303);
        assertThat(task(t.id()).status()).isEqualTo(TaskStatus.CANCELLED);
        UiClient full = signedIn("shell-writer", Set.of(Scopes.TASKS_WRITE, Scopes.JOBS_WRITE));
        assertThat(full.get("/ui/tasks/new").status()).isEqualTo(200);
    }

    // ---- the list --------------------------------------------------------------------------

    static int rowCount(String html) {
        int n = 0;
        for (int i = html.indexOf("<td class=\"name\">"); i >= 0; i = html.indexOf("<td class=\"name\">", i + 1)) n++;
        return n;
    }

    static String tagged(String tag) {
        return "/ui/tasks?tag=" + tag;
    }

    @Test
    void theListShowsTasksWithEscapedNamesAndRefreshesItsFirstPage() {
        Task x = shell(XSS, "true", List.of("list-xss"), T0.plus(Duration.ofDays(1)), List.of());
        UiClient.Page p = admin.get("/ui/tasks");
        assertThat(p.status()).isEqualTo(200);
        String html = p.body();
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(XSS);
        assertThat(html).contains("href=\"/ui/tasks/task-" + x.id() + "\"");
        assertThat(html).contains("hx-get=\"/ui/tasks/rows\"").contains("hx-trigger=\"every 5s\"").contains("hx-swap=\"outerHTML\"");
        assertThat(html).contains("<form method=\"get\" action=\"/ui/tasks\"").contains("name=\"status\"").contains("name=\"type\"")
                .contains("name=\"tag\"").contains("name=\"worker\"").contains("name=\"text\"").contains("name=\"sort\"");
        assertThat(html).contains("<option value=\"shell\"");
        // An admin may cancel and retry: checkboxes, select-all and the bulk form.
        assertThat(html).contains("action=\"/ui/tasks/bulk\"").contains("data-select-all=\"id\"")
                .contains("name=\"id\" value=\"task-" + x.id() + "\"").contains("form=\"bulk\"").contains("href=\"/ui/tasks/new\"");

        UiClient.Page rows = admin.get("/ui/tasks/rows?tag=list-xss", Map.of("HX-Request", "true"));
        assertThat(rows.status()).isEqualTo(200);
        assertThat(rows.body()).startsWith("<div id=\"task-table\"").doesNotContain("<html").doesNotContain(XSS)
                .contains("hx-get=\"/ui/tasks/rows?tag=list-xss\"");
        assertThat(rowCount(rows.body())).isEqualTo(1);
    }

    @Test
    void filtersNarrowTheListAndKeepTheirValues() {
        shell("filter alpha", "true", List.of("flt"), T0.plus(Duration.ofDays(1)), List.of());
        Task b = shell("filter beta", "exit 2", List.of("flt"), null, List.of());
        awaitStatus(b.id(), TaskStatus.FAILED);
        String pending = admin.get("/ui/tasks?tag=flt&status=pending").body();
        assertThat(rowCount(pending)).isEqualTo(1);
        assertThat(pending).contains("filter alpha").doesNotContain("filter beta");
        assertThat(pending).contains("<option value=\"pending\" selected>").contains("value=\"flt\"");
        String failed = admin.get("/ui/tasks?tag=flt&status=failed&worker=worker-ui").body();
        assertThat(failed).contains("filter beta").doesNotContain("filter alpha");
        assertThat(rowCount(admin.get("/ui/tasks?tag=flt&worker=nobody").body())).isZero();
        assertThat(admin.get("/ui/tasks?tag=flt&worker=nobody").body()).contains("No task matches these filters.");
        String text = admin.get("/ui/tasks?text=ALPHA&tag=flt").body();
        assertThat(text).contains("filter alpha").doesNotContain("filter beta");
        String byId = admin.get("/ui/tasks?text=task-" + b.id()).body();
        assertThat(rowCount(byId)).isEqualTo(1);
        assertThat(byId).contains("filter beta");
        String byType = admin.get("/ui/tasks?tag=flt&type=shell").body();
        assertThat(rowCount(byType)).isEqualTo(2);
        assertThat(rowCount(admin.get("/ui/tasks?tag=flt&type=nothing-like-it").body())).isZero();
        String finished = admin.get("/ui/tasks?tag=flt&sort=finished").body();
        assertThat(finished).contains("filter beta").doesNotContain("filter alpha").contains("<th>Finished</th>");
    }

    @Test
    void keysetPagesCarryTheCursorAndOnlyTheFirstPageRefreshes() {
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < TaskPages.PAGE + 5; i++) {
            ids.add(shell("paged " + i, "true", List.of("paged"), T0.plus(Duration.ofDays(1)), List.of()).id());
        }
        String first = admin.get(tagged("paged")).body();
        assertThat(rowCount(first)).isEqualTo(TaskPages.PAGE);
        assertThat(first).contains("paged " + (TaskPages.PAGE + 4)).doesNotContain("\">paged 0<");
        java.util.regex.Matcher older = java.util.regex.Pattern.compile("href=\"(/ui/tasks\\?tag=paged&amp;cursor=[^\"]+)\" rel=\"next\"")
                .matcher(first);
        assertThat(older.find()).isTrue();
        assertThat(first).doesNotContain("rel=\"prev\"");
        String second = admin.get(older.group(1).replace("&amp;", "&")).body();
        assertThat(rowCount(second)).isEqualTo(5);
        assertThat(second).contains("\">paged 0<").doesNotContain("hx-trigger").contains("rel=\"prev\"");
        assertThat(second).doesNotContain("rel=\"next\"");
        String oldest = admin.get(tagged("paged") + "&sort=oldest").body();
        assertThat(oldest.indexOf("\">paged 0<")).isLessThan(oldest.indexOf("\">paged 1<"));
        String queued = admin.get("/ui/tasks?status=queued&sort=priority").body();
        assertThat(queued).contains("<option value=\"priority\" selected>");
    }

    @Test
    void aSearchCutShortByItsWindowSaysSo() {
        // A tag's rows are searched for text a tenth of the window (2,000) at a time.
        List<NewTask> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 2_100; i++) {
            batch.add(new NewTask("shell", "filler " + i, null, Json.object().put("command", "true"), 5, 0, Backoff.EXPONENTIAL,
                    T0.plus(Duration.ofDays(1)), 60, List.of("wnd"), List.of(), false, "api", null));
        }
        srv.server.engine().tasks().createAll(batch);
        String html = admin.get("/ui/tasks?tag=wnd&text=no-such-name").body();
        assertThat(html).contains("searched a window of the newest tasks (at most 20,000)").contains("rel=\"next\"");
        assertThat(admin.get("/ui/tasks?tag=wnd").body()).doesNotContain("searched a window");
    }

    @Test
    void badFilterValuesAre400Pages() {
        UiClient.Page bogus = admin.get("/ui/tasks?status=bogus");
        assertThat(bogus.status()).isEqualTo(400);
        assertThat(bogus.body()).contains("status filter must be one of");
        UiClient.Page prio = admin.get("/ui/tasks?status=completed&sort=priority");
        assertThat(prio.status()).isEqualTo(400);
        assertThat(prio.body()).contains("queued");
        assertThat(admin.get("/ui/tasks?sort=priority").status()).isEqualTo(400);
        assertThat(admin.get("/ui/tasks?sort=sideways").status()).isEqualTo(400);
        assertThat(admin.get("/ui/tasks?status=running&sort=finished").status()).isEqualTo(400);
        assertThat(admin.get("/ui/tasks?cursor=not-a-cursor").status()).isEqualTo(400);
        UiClient.Page fragment = admin.get("/ui/tasks/rows?status=bogus", Map.of("HX-Request", "true"));
        assertThat(fragment.status()).isEqualTo(400);
        assertThat(fragment.header("HX-Retarget")).isEqualTo("#flash");
    }

    @Test
    void bulkActionsReportWhatWorkedAndWhyTheRestDidNot() {
        Task a = later("bulk a", List.of());
        Task b = later("bulk b", List.of());
        Task done = shell("bulk done", "true");
        Task f = shell("bulk failed", "exit 9");
        awaitStatus(done.id(), TaskStatus.COMPLETED);
        awaitStatus(f.id(), TaskStatus.FAILED);
        admin.get("/ui/tasks");
        String body = "_csrf=" + admin.csrf() + "&action=cancel&back=%2Fui%2Ftasks%3Fstatus%3Dpending"
                + "&id=task-" + a.id() + "&id=task-" + b.id() + "&id=task-" + done.id() + "&id=task-99999999&id=nonsense";
        UiClient.Page r = admin.postBody("/ui/tasks/bulk", body, Map.of());
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.location()).isEqualTo("/ui/tasks?status=pending");
        assertThat(task(a.id()).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task(b.id()).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task(done.id()).status()).isEqualTo(TaskStatus.COMPLETED);
        String flash = admin.get(r.location()).body();
        assertThat(flash).contains("Cancelled 2 of 5 tasks.").contains("task-" + done.id() + " (is already completed and cannot be cancelled)")
                .contains("task-99999999 (no such task)").contains("nonsense (no such task)");

        admin.get("/ui/tasks");
        UiClient.Page retry = admin.postBody("/ui/tasks/bulk", "_csrf=" + admin.csrf() + "&action=retry&id=task-" + f.id()
                + "&id=task-" + a.id(), Map.of());
        assertThat(retry.location()).isEqualTo("/ui/tasks");
        assertThat(task(f.id()).retryCount()).isEqualTo(1);
        assertThat(admin.get("/ui/tasks").body()).contains("Retried 1 of 2 tasks.").contains("only failed tasks can be retried");

        admin.get("/ui/tasks");
        assertThat(admin.postBody("/ui/tasks/bulk", "_csrf=" + admin.csrf() + "&action=delete&id=task-" + a.id(), Map.of()).status())
                .isEqualTo(400);
        UiClient.Page none = admin.postBody("/ui/tasks/bulk", "_csrf=" + admin.csrf() + "&action=cancel", Map.of());
        assertThat(none.status()).isEqualTo(303);
        assertThat(admin.postBody("/ui/tasks/bulk", "_csrf=" + admin.csrf() + "&action=cancel&back=https%3A%2F%2Fevil.example%2F",
                Map.of()).location()).isEqualTo("/ui/tasks");
        assertThat(admin.postBody("/ui/tasks/bulk", "action=cancel&id=task-" + b.id(), Map.of()).status()).isEqualTo(403);
    }

    @Test
    void aReadOnlyListHasNoBulkControlsAndItsBulkPostIsRefused() {
        UiClient ro = signedIn("read-only-list", Set.of(Scopes.READ));
        Task t = later("ro list", List.of());
        String html = ro.get("/ui/tasks").body();
        assertThat(html).contains("ro list").doesNotContain("action=\"/ui/tasks/bulk\"").doesNotContain("name=\"id\"")
                .doesNotContain("data-select-all").doesNotContain("/ui/tasks/new");
        UiClient.Page r = ro.postBody("/ui/tasks/bulk", "_csrf=" + ro.csrf() + "&action=cancel&id=task-" + t.id(), Map.of());
        assertThat(r.status()).isEqualTo(403);
        assertThat(task(t.id()).status()).isEqualTo(TaskStatus.PENDING);
    }
}
