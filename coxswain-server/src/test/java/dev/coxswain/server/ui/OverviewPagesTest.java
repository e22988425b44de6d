package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overview page, its live fragment and its chart series, through real HTTP. */
class OverviewPagesTest {
    @TempDir
    static Path dir;
    static UiServer srv;
    static UiClient admin;

    @BeforeAll
    static void start() throws Exception {
        srv = new UiServer(dir, Clock.systemUTC());
        admin = srv.admin();
        // Two finished tasks (one fails) and one waiting far in the future.
        for (String body : new String[] {
                "{\"name\":\"ok\",\"command\":\"true\"}",
                "{\"name\":\"bad\",\"command\":\"exit 3\",\"max_retries\":0}",
                "{\"name\":\"later\",\"command\":\"true\",\"scheduled_at\":\"2099-01-01T00:00:00Z\"}"}) {
            srv.api().post("/api/tasks", body); // fails the setup unless the API answers 2xx
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                srv.server.engine().dashboard().statusCounts().get(TaskStatus.FAILED).value() == 1
                        && srv.server.engine().dashboard().statusCounts().get(TaskStatus.COMPLETED).value() == 1);
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    @Test
    void theOverviewShowsQueuesWorkersAndCharts() {
        UiClient.Page p = admin.get("/ui");
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.header("Content-Type")).startsWith("text/html");
        assertThat(p.body()).contains("<h1>Overview</h1>").contains("Queued · high (10)").contains("Running now")
                .contains("Workers online").contains("data-chart=\"/ui/overview/series?period=hour\"")
                .contains("hx-get=\"/ui/overview/live?period=hour\"").contains("Failure rate, last hour")
                .contains("50.0 %"); // one of the two finished tasks failed
        assertThat(admin.get("/ui?period=day").body()).contains("Throughput and failures, last day");
        assertThat(admin.get("/ui?period=year").status()).isEqualTo(400);
    }

    @Test
    void theLiveFragmentIsJustTheFigures() {
        UiClient.Page p = admin.get("/ui/overview/live?period=hour", Map.of("HX-Request", "true"));
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).startsWith("<div id=\"overview-live\"").doesNotContain("<html");
        assertThat(p.body()).contains("<a href=\"/ui/tasks?status=pending\">1</a>");
    }

    @Test
    void theSeriesCountFinishedTasksPerBucket() throws Exception {
        UiClient.Page p = admin.get("/ui/overview/series?period=hour");
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.header("Content-Type")).startsWith("application/json");
        JsonNode s = Json.MAPPER.readTree(p.body());
        assertThat(s.path("x")).hasSize(60);
        assertThat(s.path("bucket_seconds").asLong()).isEqualTo(60);
        long done = 0, failed = 0;
        for (JsonNode n : s.path("completed")) done += n.asLong();
        for (JsonNode n : s.path("failed")) failed += n.asLong();
        assertThat(done).isEqualTo(1);
        assertThat(failed).isEqualTo(1);
        JsonNode day = Json.MAPPER.readTree(admin.get("/ui/overview/series?period=day").body());
        assertThat(day.path("x")).hasSize(96);
        assertThat(day.path("bucket_seconds").asLong()).isEqualTo(900);
    }

    @Test
    void aReadOnlyKeySeesTheOverviewWithoutAdminEntries() {
        UiClient reader = srv.client();
        reader.signIn(srv.key("reader", Set.of(Scopes.READ)));
        UiClient.Page p = reader.get("/ui");
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).doesNotContain("href=\"/ui/keys\"").doesNotContain("href=\"/ui/webhooks\"");
        assertThat(admin.get("/ui").body()).contains("href=\"/ui/keys\"");
    }
}
