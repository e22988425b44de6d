package dev.coxswain.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.Json;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} after real work: valid Prometheus text with the families operators need. */
class MetricsHttpTest {
    static final String KEY = "metrics-test-admin-key-0123456789";
    @TempDir
    static Path dir;
    static CoxswainServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        dev.coxswain.server.testing.SecretLedger.secret(KEY);
        server = CoxswainServer.start(new ServerConfig(0, "127.0.0.1", dir, null, null, null, KEY, 2, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 1000, false, "worker-metrics", Duration.ofSeconds(30)), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "ApiKey " + KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        dev.coxswain.server.testing.SecretLedger.response(method + " " + path, r.headers().map().toString(), r.body());
        return r;
    }

    @Test
    void exposesValidPrometheusTextWithEngineHttpAndJvmFamilies() throws Exception {
        String ok = Json.MAPPER.readTree(send("POST", "/api/tasks", "{\"name\":\"ok\",\"command\":\"echo hi\"}").body())
                .path("data").path("id").asText();
        String bad = Json.MAPPER.readTree(send("POST", "/api/tasks", "{\"name\":\"bad\",\"command\":\"exit 3\",\"max_retries\":0}").body())
                .path("data").path("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Json.MAPPER.readTree(send("GET", "/api/tasks/" + ok, null).body()).path("data").path("status").asText().equals("completed")
                        && Json.MAPPER.readTree(send("GET", "/api/tasks/" + bad, null).body()).path("data").path("status").asText().equals("failed"));
        assertThat(send("GET", "/api/tasks/task-999", null).statusCode()).isEqualTo(404);

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        Map<String, PrometheusTextParser.Family> f = PrometheusTextParser.parse(r.body());

        assertThat(value(f, "coxswain_task_attempts_total", Map.of("type", "shell", "outcome", "completed"))).isEqualTo(1);
        assertThat(value(f, "coxswain_task_attempts_total", Map.of("type", "shell", "outcome", "failed"))).isEqualTo(1);
        assertThat(f.get("coxswain_task_duration_seconds").type()).isEqualTo("histogram");
        assertThat(f.get("coxswain_dispatch_latency_seconds").type()).isEqualTo("histogram");
        assertThat(value(f, "coxswain_dispatch_latency_seconds_count", Map.of("type", "shell"))).isEqualTo(2);
        assertThat(f.get("coxswain_queue_depth").samples()).extracting(s -> s.labels().get("band"))
                .containsExactlyInAnyOrder("high", "normal", "low");
        assertThat(value(f, "coxswain_tasks", Map.of("status", "completed"))).isEqualTo(1);
        assertThat(value(f, "coxswain_tasks", Map.of("status", "failed"))).isEqualTo(1);
        assertThat(value(f, "coxswain_workers", Map.of("status", "idle")) + value(f, "coxswain_workers", Map.of("status", "active")))
                .isEqualTo(1);
        assertThat(f).containsKey("coxswain_tasks_running");
        assertThat(value(f, "coxswain_http_requests_seconds_count",
                Map.of("face", "native", "method", "POST", "route", "/api/tasks", "status", "201"))).isEqualTo(2);
        assertThat(value(f, "coxswain_http_requests_seconds_count",
                Map.of("face", "native", "method", "GET", "route", "/api/tasks/{id}", "status", "404"))).isEqualTo(1);
        assertThat(f).containsKeys("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds");

        HttpResponse<String> pub = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/_public/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pub.statusCode()).isEqualTo(200);
        PrometheusTextParser.parse(pub.body());
        assertThat(r.body()).doesNotContain(KEY);
        assertThat(PrometheusLint.problems(f)).as("what promtool check metrics would report").isEmpty();
    }

    @Test
    void everyFamilyFollowsPrometheusNamingRules() throws Exception {
        // The families created on first use (attempts, durations) are linted after real work in
        // the test above; this one holds whatever exists at the time, JVM families included.
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, PrometheusTextParser.Family> f = PrometheusTextParser.parse(r.body());
        assertThat(PrometheusLint.problems(f)).as("what promtool check metrics would report").isEmpty();
        assertThat(f).containsKey("process_cpu_seconds_total");
    }

    static double value(Map<String, PrometheusTextParser.Family> f, String sample, Map<String, String> labels) {
        String fam = sample;
        for (String s : new String[]{"_count", "_sum", "_bucket"}) {
            if (sample.endsWith(s) && f.containsKey(sample.substring(0, sample.length() - s.length()))) {
                fam = sample.substring(0, sample.length() - s.length());
            }
        }
        PrometheusTextParser.Family family = f.get(fam);
        assertThat(family).as("family " + fam).isNotNull();
        return family.samples().stream().filter(s -> s.name().equals(sample) && s.labels().equals(new java.util.TreeMap<>(labels)))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + sample + labels)).value();
    }
}
