package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.connection.ConnectionService;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.TargetConnection;
import dev.coxswain.core.domain.Task;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ui/connections} and {@code /ui/analyses/{id}} through real HTTP, with analyses really run
 * against the local PostgreSQL (trust authentication: the password is stored, sealed, and never shown).
 */
class AnalysisPagesTest {
    static final String PASSWORD = "pw-Xq7-never-shown-anywhere";

    @TempDir
    static Path dir;
    static UiServer srv;
    static TargetConnection conn;

    @BeforeAll
    static void start() {
        srv = new UiServer(dir, Clock.systemUTC());
        conn = srv.server.connections().create(new ConnectionService.Spec("local <pg>", "127.0.0.1", 5432, "postgres",
                "postgres", PASSWORD, "disable", "test", List.of("ci")), "api");
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    static Task run(String type, ObjectNode params) {
        ObjectNode payload = Json.object().put("connection_id", conn.id());
        payload.set("params", params);
        Task t = srv.server.engine().tasks().create(new NewTask(type, "ui " + type, null, payload, 5, 0, "exponential", null,
                60, List.of(), List.of(), false, "api", null));
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> srv.server.engine().tasks().get(t.id()), x -> x.status().terminal());
    }

    @Test
    void connectionsAreListedWithoutTheirPassword() {
        UiClient c = srv.admin();
        UiClient.Page p = c.get("/ui/connections");
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).contains("href=\"/ui/connections\" aria-current=\"page\"").contains("local &lt;pg&gt;")
                .contains("127.0.0.1:5432").contains(">postgres<").contains("ci").doesNotContain(PASSWORD)
                .doesNotContain("local <pg>");
    }

    @Test
    void aQueryResultIsRenderedAsAnEscapedTable() {
        Task t = run("custom_sql", Json.object().put("custom_sql",
                "SELECT '<script>alert(1)</script>' AS payload, 42 AS answer UNION ALL SELECT 'second', 7"));
        assertThat(t.status().wire()).as(t.error()).isEqualTo("completed");
        UiClient c = srv.admin();
        UiClient.Page p = c.get("/ui/analyses/task-" + t.id());
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).contains("<h1>Analysis task-" + t.id()).contains("status-completed")
                .contains("local &lt;pg&gt; (#" + conn.id() + ")")
                .contains("<th scope=\"col\">payload</th><th scope=\"col\">answer</th>")
                .contains("<span class=\"jv jv-string\">&lt;script&gt;alert(1)&lt;/script&gt;</span>")
                .contains("<span class=\"jv jv-number\">42</span>").contains("<th scope=\"row\">row_count</th>")
                .doesNotContain("<script>alert(1)").doesNotContain(PASSWORD)
                // not raw JSON
                .doesNotContain("\"rows\":").doesNotContain("&#34;rows&#34;")
                // a finished run does not refresh
                .doesNotContain("hx-get=\"/ui/analyses/");
        // The parameters too: the SQL as text.
        assertThat(p.body()).contains("<th scope=\"row\">custom_sql</th>");
    }

    @Test
    void aConfigCheckReportRendersAsNestedTables() {
        Task t = run("config_check", Json.object());
        assertThat(t.status().wire()).as(t.error()).isEqualTo("completed");
        UiClient.Page p = srv.admin().get("/ui/analyses/task-" + t.id());
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).contains("<th scope=\"row\">checks_performed</th>").contains("<th scope=\"row\">server</th>")
                .contains("<table class=\"json\">").doesNotContain(PASSWORD);
    }

    @Test
    void aRefusedRunShowsItsError() {
        Task t = run("custom_sql", Json.object().put("custom_sql", "DELETE FROM pg_class WHERE relname = '<b>x</b>'"));
        assertThat(t.status().wire()).isEqualTo("failed");
        UiClient.Page p = srv.admin().get("/ui/analyses/task-" + t.id());
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).contains("class=\"error-text\"").contains("This run left no result").doesNotContain("<b>x</b>");
    }

    @Test
    void theRecentRunsAreListedAndFilteredByType() {
        Task sql = run("custom_sql", Json.object().put("custom_sql", "SELECT 1 AS one"));
        Task cfg = run("config_check", Json.object());
        UiClient c = srv.admin();
        UiClient.Page all = c.get("/ui/connections");
        assertThat(all.body()).contains("href=\"/ui/analyses/task-" + sql.id() + "\"")
                .contains("href=\"/ui/analyses/task-" + cfg.id() + "\"").contains("hx-get=\"/ui/connections/runs\"");
        UiClient.Page onlySql = c.get("/ui/connections?type=custom_sql");
        assertThat(onlySql.body()).contains("href=\"/ui/analyses/task-" + sql.id() + "\"")
                .doesNotContain("href=\"/ui/analyses/task-" + cfg.id() + "\"")
                .contains("href=\"/ui/connections?type=custom_sql\" aria-current=\"page\"");
        UiClient.Page fragment = c.get("/ui/connections/runs?type=config_check", Map.of("HX-Request", "true"));
        assertThat(fragment.status()).isEqualTo(200);
        assertThat(fragment.body()).doesNotContain("<html").contains("task-" + cfg.id()).doesNotContain("task-" + sql.id() + "\"");
        assertThat(c.get("/ui/connections?type=shell").status()).isEqualTo(400);
        assertThat(c.get("/ui/connections?cursor=abc").status()).isEqualTo(400);
    }

    @Test
    void otherTasksAndUnknownIdsAreNotAnalyses() {
        Task other = srv.server.engine().tasks().create(new NewTask("not-an-analysis", "x", null, Json.object(), 5, 0,
                "exponential", null, 60, List.of(), List.of(), false, "api", null));
        UiClient c = srv.admin();
        assertThat(c.get("/ui/analyses/task-" + other.id()).status()).isEqualTo(404);
        assertThat(c.get("/ui/analyses/task-99999999").status()).isEqualTo(404);
        assertThat(c.get("/ui/analyses/42").status()).isEqualTo(404);
    }

    @Test
    void readingNeedsAReadScope() {
        Task t = run("custom_sql", Json.object().put("custom_sql", "SELECT 1"));
        String writer = srv.key("writer-only", Set.of(Scopes.TASKS_WRITE));
        UiClient c = srv.client();
        c.signIn(writer);
        assertThat(c.get("/ui/connections").status()).isEqualTo(403);
        assertThat(c.get("/ui/analyses/task-" + t.id()).status()).isEqualTo(403);
        String reader = srv.key("reader-only", Set.of(Scopes.READ));
        UiClient r = srv.client();
        r.signIn(reader);
        UiClient.Page p = r.get("/ui/analyses/task-" + t.id());
        assertThat(p.status()).isEqualTo(200);
        // Nothing to change here, and no admin entries in the menu.
        assertThat(p.body()).doesNotContain("method=\"post\" action=\"/ui/analyses").doesNotContain("href=\"/ui/keys\"");
    }

    @Test
    void aRunningAnalysisRefreshesItsBody() {
        Task t = srv.server.engine().tasks().create(new NewTask("table_analysis", "later", null,
                Json.object().put("connection_id", conn.id()), 5, 0, "exponential", java.time.Instant.now().plusSeconds(3600),
                60, List.of(), List.of(), false, "api", null));
        UiClient c = srv.admin();
        UiClient.Page p = c.get("/ui/analyses/task-" + t.id());
        assertThat(p.body()).contains("hx-get=\"/ui/analyses/task-" + t.id() + "/live\"").contains("No result yet");
        UiClient.Page live = c.get("/ui/analyses/task-" + t.id() + "/live", Map.of("HX-Request", "true"));
        assertThat(live.body()).startsWith("<div id=\"analysis-body\"").doesNotContain("<html");
    }
}
