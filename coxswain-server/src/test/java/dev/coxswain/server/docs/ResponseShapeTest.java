package dev.coxswain.server.docs;

import static dev.coxswain.server.docs.DocsServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real answers against the schemas the document gives for them (status, media type, body, the
 * headers that matter), so the document cannot drift from NativeJson and the error mapping.
 */
class ResponseShapeTest {
    private static final List<String> CHECKED_HEADERS = List.of("X-RateLimit-Limit", "X-RateLimit-Remaining",
            "X-RateLimit-Reset", "Retry-After", "WWW-Authenticate");

    @TempDir
    static Path dir;
    static DocsServer srv;
    static SchemaCheck schemas;
    static JsonNode doc;

    @BeforeAll
    static void start() {
        srv = new DocsServer(dir);
        doc = srv.document();
        schemas = new SchemaCheck(doc);
    }

    @AfterAll
    static void stop() {
        srv.close();
    }

    @Test
    void taskAnswersMatchTheTaskSchemaExactly() {
        // Scheduled far ahead, so it stays pending and can be updated.
        JsonNode created = fits(srv.send("POST", "/api/tasks", """
                {"name": "shape", "command": "echo shape", "description": "d", "priority": 7, "tags": ["a", "b"],
                 "checkpoint_enabled": true, "scheduled_at": "2099-01-01T00:00:00Z"}""", ADMIN), "/api/tasks", "post", 201).get("data");
        // A shell task has no params or requirements, no progress (no remote worker reported any),
        // and the waiting flag only in reads.
        assertThat(fieldNames(created)).as("properties of NativeJson.task vs components.schemas.Task")
                .isEqualTo(declaredTaskFieldsBut("params", "requirements", "progress", "waiting_for_worker"));

        String id = created.get("id").asText();
        JsonNode got = fits(srv.send("GET", "/api/tasks/" + id, null, ADMIN), "/api/tasks/{id}", "get", 200).get("data");
        assertThat(fieldNames(got)).isEqualTo(declaredTaskFieldsBut("params", "requirements", "progress"));
        fits(srv.send("GET", "/api/tasks?sort=priority&order=asc&tag=a&limit=5", null, ADMIN), "/api/tasks", "get", 200);
        fits(srv.send("PUT", "/api/tasks/" + id, "{\"priority\": 2}", ADMIN), "/api/tasks/{id}", "put", 200);
        fits(srv.send("GET", "/api/tasks/" + id + "/logs?level=info", null, ADMIN), "/api/tasks/{id}/logs", "get", 200);
    }

    @Test
    void aWorkerSkillTaskShowsItsParamsRequirementsAndThatItWaitsForAWorker() {
        JsonNode created = fits(srv.send("POST", "/api/tasks", """
                {"name": "resize", "type": "resize_image", "params": {"width": 640, "formats": ["png"]},
                 "requirements": {"worker_type": "gpu", "resources": {"ram_gb": 8}, "software": {"python": null}, "device": "gpu-0"}}""",
                ADMIN), "/api/tasks", "post", 201).get("data");
        assertThat(fieldNames(created)).isEqualTo(declaredTaskFieldsBut("progress", "waiting_for_worker"));
        assertThat(created.path("params").path("width").asInt()).isEqualTo(640);
        assertThat(created.path("requirements").path("worker_type").asText()).isEqualTo("gpu");
        assertThat(created.path("status").asText()).isEqualTo("queued");
        assertThat(created.path("result").isNull()).isTrue();

        JsonNode got = fits(srv.send("GET", "/api/tasks/" + created.get("id").asText(), null, ADMIN), "/api/tasks/{id}", "get", 200).get("data");
        assertThat(fieldNames(got)).isEqualTo(declaredTaskFieldsBut("progress"));
        assertThat(got.path("waiting_for_worker").asBoolean()).as("no worker offers resize_image").isTrue();
        fits(srv.send("GET", "/api/tasks?status=queued", null, ADMIN), "/api/tasks", "get", 200);
        fits(srv.send("POST", "/api/tasks", "{\"name\": \"x\", \"type\": \"resize_image\", \"params\": 3}", ADMIN), "/api/tasks", "post", 422);
        fits(srv.send("POST", "/api/tasks", "{\"name\": \"x\", \"type\": \"resize_image\", \"requirements\": {\"gpu\": 1}}", ADMIN),
                "/api/tasks", "post", 422);
    }

    private static Set<String> declaredTaskFieldsBut(String... absent) {
        Set<String> declared = fieldNames(schemas.schema("Task").get("properties"));
        declared.removeAll(Set.of(absent));
        return declared;
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void lifecycleAnswersMatch() {
        String running = create("{\"name\": \"long\", \"command\": \"sleep 30\", \"checkpoint_enabled\": true}");
        awaitStatus(running, "running");
        fits(srv.send("POST", "/api/tasks/" + running + "/checkpoint", "{\"checkpoint_data\": {\"step\": 3}}", ADMIN),
                "/api/tasks/{id}/checkpoint", "post", 200);
        fits(srv.send("PUT", "/api/tasks/" + running, "{\"priority\": 2}", ADMIN), "/api/tasks/{id}", "put", 409);
        fits(srv.send("POST", "/api/tasks/" + running + "/cancel", null, ADMIN), "/api/tasks/{id}/cancel", "post", 200);
        fits(srv.send("POST", "/api/tasks/" + running + "/cancel", null, ADMIN), "/api/tasks/{id}/cancel", "post", 409);

        String failing = create("{\"name\": \"fails\", \"command\": \"exit 3\", \"max_retries\": 0}");
        awaitStatus(failing, "failed");
        fits(srv.send("GET", "/api/tasks/" + failing, null, ADMIN), "/api/tasks/{id}", "get", 200);
        fits(srv.send("POST", "/api/tasks/" + failing + "/retry", null, ADMIN), "/api/tasks/{id}/retry", "post", 200);
        fits(srv.send("POST", "/api/tasks/" + running + "/retry", null, ADMIN), "/api/tasks/{id}/retry", "post", 409);
        fits(srv.send("DELETE", "/api/tasks/" + running, null, ADMIN), "/api/tasks/{id}", "delete", 200);
        fits(srv.send("DELETE", "/api/tasks/" + running, null, ADMIN), "/api/tasks/{id}", "delete", 404);
    }

    @Test
    void errorAnswersMatchTheEnvelope() {
        fits(srv.send("POST", "/api/tasks", "{\"name\": \"x\", \"command\": \"true\", \"priority\": 11}", ADMIN), "/api/tasks", "post", 422);
        fits(srv.send("POST", "/api/tasks", "{not json", ADMIN), "/api/tasks", "post", 400);
        fits(srv.send("GET", "/api/tasks?limit=0", null, ADMIN), "/api/tasks", "get", 400);
        fits(srv.send("GET", "/api/tasks/task-999999", null, ADMIN), "/api/tasks/{id}", "get", 404);
        fits(srv.send("GET", "/api/tasks", null, null), "/api/tasks", "get", 401);
        fits(srv.send("GET", "/api/tasks", null, "cox_not_a_key"), "/api/tasks", "get", 401);
        fits(srv.send("POST", "/api/tasks", "{\"name\": \"x\", \"command\": \"" + "y".repeat(1 << 20) + "\"}", ADMIN),
                "/api/tasks", "post", 413);
        JsonNode notAcceptable = schemas.responseSchema("/api/tasks", "get", 406);
        var r = srv.send("GET", "/api/tasks", null, ADMIN, "Accept", "application/json; version=2.0");
        assertThat(r.status()).isEqualTo(406);
        assertThat(schemas.problems(r.json(), notAcceptable)).isEmpty();
    }

    @Test
    void workerAndSystemAnswersMatch() {
        String worker = "/api/workers/" + DocsServer.WORKER_ID;
        await().atMost(Duration.ofSeconds(20)).until(() -> srv.send("GET", worker, null, ADMIN).status() == 200);
        fits(srv.send("GET", worker, null, ADMIN), "/api/workers/{id}", "get", 200);
        fits(srv.send("GET", "/api/workers?status=idle", null, ADMIN), "/api/workers", "get", 200);
        fits(srv.send("GET", "/api/workers", null, ADMIN), "/api/workers", "get", 200);
        fits(srv.send("GET", worker + "/tasks", null, ADMIN), "/api/workers/{id}/tasks", "get", 200);
        fits(srv.send("GET", "/api/workers/nobody", null, ADMIN), "/api/workers/{id}", "get", 404);
        fits(srv.send("GET", "/api/system/status", null, ADMIN), "/api/system/status", "get", 200);
        fits(srv.send("GET", "/api/system/metrics", null, ADMIN), "/api/system/metrics", "get", 200);
        fits(srv.send("GET", "/api/system/metrics?period=week&metrics=error_rate,average_execution_time", null, ADMIN),
                "/api/system/metrics", "get", 200);
        fits(srv.send("GET", "/api/system/metrics?metrics=bogus", null, ADMIN), "/api/system/metrics", "get", 400);
    }

    @Test
    void keyAnswersMatchAndRateLimitHeadersAreDocumented() {
        JsonNode created = fits(srv.send("POST", "/api/keys", "{\"name\": \"reader\", \"scopes\": [\"tasks:read\"]}", ADMIN),
                "/api/keys", "post", 201).get("data");
        String id = created.get("id").asText(), secret = created.get("secret").asText();
        // A starter-tier key is rate-limited, so its answers carry the X-RateLimit-* headers.
        var limited = srv.send("GET", "/api/tasks", null, secret);
        assertThat(limited.headers().firstValue("X-RateLimit-Limit")).isPresent();
        fits(limited, "/api/tasks", "get", 200);
        fits(srv.send("POST", "/api/tasks", "{\"name\": \"x\", \"command\": \"true\"}", secret), "/api/tasks", "post", 403);
        fits(srv.send("GET", "/api/keys", null, secret), "/api/keys", "get", 403);

        fits(srv.send("GET", "/api/keys", null, ADMIN), "/api/keys", "get", 200);
        fits(srv.send("GET", "/api/keys/" + id, null, ADMIN), "/api/keys/{id}", "get", 200);
        fits(srv.send("PUT", "/api/keys/" + id, "{\"tier\": \"pro\", \"enabled\": false}", ADMIN), "/api/keys/{id}", "put", 200);
        fits(srv.send("PUT", "/api/keys/" + id, "{\"scopes\": [\"nope\"]}", ADMIN), "/api/keys/{id}", "put", 422);
        fits(srv.send("DELETE", "/api/keys/" + id, null, ADMIN), "/api/keys/{id}", "delete", 200);
        fits(srv.send("DELETE", "/api/keys/" + id, null, ADMIN), "/api/keys/{id}", "delete", 409);
        fits(srv.send("GET", "/api/keys/key-99999", null, ADMIN), "/api/keys/{id}", "get", 404);
    }

    @Test
    void openRoutesAnswerWithTheirDocumentedMediaTypes() {
        for (String path : List.of("/health", "/health/live", "/health/ready")) fits(srv.get(path), path, "get", 200);
        for (String path : List.of("/metrics", "/_public/metrics", "/openapi.json", "/docs")) {
            var r = srv.get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(mediaTypes(path, 200)).as(path).contains(r.contentType());
        }
        for (JsonNode file : schemas.resolve(doc.at("/paths/~1docs~1assets~1{file}/get/parameters/0")).at("/schema/enum")) {
            var r = srv.get("/docs/assets/" + file.asText());
            assertThat(r.status()).as(file.asText()).isEqualTo(200);
            assertThat(mediaTypes("/docs/assets/{file}", 200)).as(file.asText()).contains(r.contentType());
        }
        var missing = srv.get("/docs/assets/missing.js");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(mediaTypes("/docs/assets/{file}", 404)).contains(missing.contentType());
    }

    /** Checks status, media type, body and the rate-limit/auth headers of an answer against the document. */
    private static JsonNode fits(DocsServer.Reply r, String path, String method, int status) {
        String what = method.toUpperCase() + " " + path;
        assertThat(r.status()).as(what + ": " + r.text()).isEqualTo(status);
        assertThat(r.contentType()).as(what).isEqualTo("application/json");
        JsonNode body = r.json();
        assertThat(schemas.problems(body, schemas.responseSchema(path, method, status))).as(what + " " + status + ": " + body).isEmpty();
        JsonNode response = schemas.resolve(doc.path("paths").path(path).path(method).path("responses").path(Integer.toString(status)));
        for (String h : CHECKED_HEADERS) {
            if (r.headers().firstValue(h).isPresent()) {
                assertThat(response.path("headers").has(h)).as(what + " " + status + " sends " + h + " but does not document it").isTrue();
            }
        }
        return body;
    }

    private static Set<String> mediaTypes(String path, int status) {
        Set<String> out = new TreeSet<>();
        schemas.resolve(doc.path("paths").path(path).path("get").path("responses").path(Integer.toString(status)))
                .path("content").fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static String create(String body) {
        var r = srv.send("POST", "/api/tasks", body, ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().path("data").path("id").asText();
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                srv.send("GET", "/api/tasks/" + id, null, ADMIN).json().path("data").path("status").asText().equals(status));
    }
}
