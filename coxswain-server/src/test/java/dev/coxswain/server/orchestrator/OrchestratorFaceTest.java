package dev.coxswain.server.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.server.ConfigLoader;
import dev.coxswain.server.orchestrator.OrchestratorServer.Resp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The orchestrator face's frame over real HTTP: its open routes, how it refuses (the original's
 * 401 texts, its 403, its text 404 for unknown routes), the live workers list, which
 * {@code api_version}s it answers under, and that Chadburn's paths under {@code /api/v1} still
 * answer as Chadburn.
 */
class OrchestratorFaceTest {
    @TempDir
    static Path dir;
    static OrchestratorServer srv;
    static String reader;

    @BeforeAll
    static void start() {
        srv = OrchestratorServer.start(dir, false);
        reader = srv.key("face-reader", "tasks:read");
    }

    @AfterAll
    static void stop() {
        srv.close();
    }

    @Test
    void statusIsOpenAndSaysOk() {
        Resp r = srv.send("GET", "/_public/status", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void publicMetricsIsThePrometheusScrape() {
        Resp pub = srv.send("GET", "/_public/metrics", null);
        Resp root = srv.send("GET", "/metrics", null);
        assertThat(pub.status()).isEqualTo(200);
        assertThat(pub.contentType()).isEqualTo(root.contentType()).startsWith("text/plain");
        assertThat(pub.body()).contains("# TYPE").contains("coxswain_");
    }

    @Test
    void anUnknownPublicRouteIsAiohttpsTextNotFound() {
        for (String[] mp : new String[][]{{"GET", "/_public/nothing"}, {"POST", "/_public/webhooks/x"}, {"GET", "/_public/docs/more"}}) {
            Resp r = srv.send(mp[0], mp[1], null);
            assertThat(r.status()).as("%s", r).isEqualTo(404);
            assertThat(r.contentType()).isEqualTo("text/plain; charset=utf-8");
            assertThat(r.body()).isEqualTo("404: Not Found");
        }
    }

    @Test
    void flushDbIsNotThereWithoutDevMode() {
        Resp r = srv.send("POST", "/_public/debug/flush_db", null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("404: Not Found");
    }

    @Test
    void refusalsUseTheOriginalsTexts() {
        Resp none = srv.send("GET", "/api/v1/workers", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).isEqualTo("application/json");
        assertThat(none.json().toString()).isEqualTo("{\"error\":\"Missing X-Client-Token header\"}");

        Resp wrong = srv.asClient("cox_not_a_real_key_0123456789", "GET", "/api/v1/workers", null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().toString()).isEqualTo("{\"error\":\"Unauthorized: Invalid token\"}");
        // Any credential header is read, and refused the same way.
        Resp wrongApiKey = srv.send("GET", "/api/v1/workers", null, "Authorization", "ApiKey cox_wrong_0123456789");
        assertThat(wrongApiKey.json().toString()).isEqualTo("{\"error\":\"Unauthorized: Invalid token\"}");

        String workerOnly = srv.key("face-worker-only", "workers");
        Resp scope = srv.asClient(workerOnly, "GET", "/api/v1/workers", null);
        assertThat(scope.status()).isEqualTo(403);
        assertThat(scope.json().path("error").asText()).isEqualTo("Forbidden: this credential needs the "
                + "'read', 'tasks:read' or 'tasks:write' scope");
    }

    @Test
    void workersListsTheLiveWorkersWithWhatTheyReported() {
        srv.register("face-list-worker", "resize", "crop");
        Resp r = srv.asClient(reader, "GET", "/api/v1/workers", null);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.json().isArray()).isTrue();
        JsonNode remote = null, local = null;
        for (JsonNode w : r.json()) {
            if (w.path("worker_id").asText().equals("face-list-worker")) remote = w;
            if (w.path("worker_id").asText().equals("worker-local-orchestrator")) local = w;
        }
        assertThat(remote).as("%s", r).isNotNull();
        assertThat(remote.path("worker_type").asText()).isEqualTo("face-test-worker");
        assertThat(remote.path("kind").asText()).isEqualTo("remote");
        assertThat(remote.path("status").asText()).isEqualTo("idle");
        assertThat(remote.path("supported_skills").findValuesAsText("name")).containsExactly("resize", "crop");
        assertThat(remote.path("resources").path("properties").path("cpu_cores").asInt()).isEqualTo(4);
        assertThat(remote.path("installed_software").path("python").asText()).isEqualTo("3.11");
        assertThat(remote.path("capabilities").path("hostname").asText()).isEqualTo("face-host");
        assertThat(remote.path("current_tasks").isArray()).isTrue();
        assertThat(remote.path("current_tasks")).isEmpty();
        assertThat(remote.path("_internal_load").asInt()).isZero();
        assertThat(remote.path("timestamp").isIntegralNumber()).isTrue();
        assertThat(Math.abs(remote.path("timestamp").asLong() - srv.clock.instant().getEpochSecond())).isLessThan(60);
        // Neither the signature nor the body's timestamp of the registration is kept or shown.
        assertThat(remote.has("security")).isFalse();
        assertThat(local).as("the node's own worker is live too: %s", r).isNotNull();
        assertThat(local.path("kind").asText()).isEqualTo("local");
        assertThat(local.path("supported_skills").isArray()).isTrue();

        // A worker that says it goes offline is no longer listed.
        var bye = dev.coxswain.core.Json.object().put("status", "offline");
        bye.putArray("current_tasks");
        assertThat(srv.asWorker("face-list-worker", "PATCH", "/_worker/workers/face-list-worker", bye).status()).isEqualTo(200);
        Resp after = srv.asClient(reader, "GET", "/api/v1/workers", null);
        assertThat(after.json().findValuesAsText("worker_id")).doesNotContain("face-list-worker");
    }

    @Test
    void overTheRateLimitIsTheOriginals429() {
        String starter = srv.keyOfTier("face-starter", "starter", "tasks:read");
        Resp last = null;
        for (int i = 0; i < 200 && (last == null || last.status() != 429); i++) last = srv.asClient(starter, "GET", "/api/v1/workers", null);
        assertThat(last.status()).as("%s", last).isEqualTo(429);
        assertThat(last.json().toString()).isEqualTo("{\"error\":\"Too Many Requests\"}");
        assertThat(last.header("Retry-After")).isNotNull();
        assertThat(last.header("X-RateLimit-Limit")).isEqualTo("100");
    }

    @Test
    void aVersionNoBlueprintDeclaresIsAnUnknownRouteBeforeAuthentication() {
        Resp r = srv.send("GET", "/api/v7/workers", null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.body()).isEqualTo("404: Not Found");
        // Not a version at all: not this face's path; the native face's 404.
        Resp other = srv.admin("GET", "/api/things/workers", null);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().path("error").path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void chadburnsPathsUnderApiV1StillAnswerAsChadburn() {
        Resp list = srv.admin("GET", "/api/v1/jobs", null);
        assertThat(list.status()).as("%s", list).isEqualTo(200);
        assertThat(list.json().has("data")).isTrue();
        Resp missing = srv.admin("GET", "/api/v1/jobs/job-424242", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("error").path("code").asText()).isEqualTo("not_found");
        Resp unknown = srv.admin("GET", "/api/v1/nothing-here", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void devModeIsASettingThatIsOffByDefault() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).devMode()).isFalse();
        assertThat(ConfigLoader.load(null, Map.of("COXSWAIN_DEV_MODE", "true"), Map.of()).devMode()).isTrue();
        Path yaml = Files.writeString(dir.resolve("dev.yaml"), "dev-mode: true\n");
        assertThat(ConfigLoader.load(yaml, Map.of(), Map.of()).devMode()).isTrue();
    }
}
