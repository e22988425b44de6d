package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.service.ApiKeyService;
import dev.coxswain.server.nativeapi.ApiServer.Resp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.coxswain.server.testing.SecretLedger;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.nativeapi.ApiServer.WORKER_ID;
import static dev.coxswain.server.nativeapi.ApiServer.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication, scopes, versioning, routing and the error paths every endpoint shares: 401,
 * 403, 404, 406, 413 and bodies that must never cause a 500. Bodies are limited to 4 KiB here.
 */
class NativeAuthAndErrorsTest {
    static final int MAX_BODY = 4096;

    @TempDir
    static Path dir;
    static ApiServer api;
    static String taskId;
    static String readKey;
    static String readAliasKey;
    static String writeKey;
    static String tasksWriteOnlyKey;

    /** Every route of the seed the server serves: method, path, and a body for the writes. */
    record Route(String method, String path, String body, boolean write) {
    }

    static List<Route> routes() {
        String cp = "{\"checkpoint_data\": {\"a\": 1}}";
        return List.of(
                new Route("GET", "/api/tasks", null, false),
                new Route("POST", "/api/tasks", "{\"name\":\"n\",\"command\":\"echo\"}", true),
                new Route("GET", "/api/tasks/" + taskId, null, false),
                new Route("PUT", "/api/tasks/" + taskId, "{\"priority\": 9}", true),
                new Route("DELETE", "/api/tasks/" + taskId, null, true),
                new Route("POST", "/api/tasks/" + taskId + "/cancel", null, true),
                new Route("POST", "/api/tasks/" + taskId + "/retry", null, true),
                new Route("GET", "/api/tasks/" + taskId + "/logs", null, false),
                new Route("POST", "/api/tasks/" + taskId + "/checkpoint", cp, true),
                new Route("GET", "/api/workers", null, false),
                new Route("GET", "/api/workers/" + WORKER_ID, null, false),
                new Route("GET", "/api/workers/" + WORKER_ID + "/tasks", null, false),
                new Route("GET", "/api/system/status", null, false),
                new Route("GET", "/api/system/metrics", null, false));
    }

    @BeforeAll
    static void start() {
        api = ApiServer.start(ApiServer.config(dir, null, 2, MAX_BODY), java.time.Clock.systemUTC());
        ApiKeyService keys = api.server.engine().apiKeys();
        readKey = keys.create("reader", Set.of("tasks:read"), "starter").secret();
        readAliasKey = keys.create("reader-alias", Set.of("read"), "starter").secret();
        writeKey = keys.create("writer", Set.of("tasks:write", "jobs:write"), "starter").secret();
        tasksWriteOnlyKey = keys.create("tasks-writer", Set.of("tasks:write"), "starter").secret();
        for (String k : new String[]{readKey, readAliasKey, writeKey, tasksWriteOnlyKey}) SecretLedger.secret(k);
        taskId = api.createParked("the-task").get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
    }

    private static ApiServer.Call call(Route r) {
        ApiServer.Call c = api.call(r.method(), r.path());
        if (r.body() != null) c.body(r.body());
        return c;
    }

    private static void assertUnauthorized(Resp r) {
        Shapes.error(r, 401, "unauthorized");
        assertThat(r.headers().firstValue("WWW-Authenticate")).as("WWW-Authenticate on %s", r).isPresent();
    }

    private static void assertUnchanged() {
        JsonNode t = api.getTask(taskId);
        assertThat(t.get("status").asText()).isEqualTo("pending");
        assertThat(t.get("priority").asInt()).isEqualTo(5);
        assertThat(t.get("checkpoint_data").isNull()).isTrue();
    }

    // ---- 401 ----------------------------------------------------------------------------------

    @Test
    void everyRouteNeedsACredential() {
        long before = api.get("/api/tasks").meta().get("total").asLong();
        for (Route r : routes()) assertUnauthorized(call(r).authorization(null).send());
        assertThat(api.get("/api/tasks").meta().get("total").asLong()).isEqualTo(before);
        assertUnchanged();
    }

    @Test
    void aWrongKeyIs401OnEveryRoute() {
        for (Route r : routes()) assertUnauthorized(call(r).key("cox_not_a_real_key_000000000000000000000").send());
        assertUnchanged();
    }

    @Test
    void otherCredentialFormsAre401() {
        for (String header : List.of("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", "Basic dXNlcjpwYXNz", "ApiKey",
                ApiServer.ADMIN_KEY, "ApiKey " + ApiServer.ADMIN_KEY + "x", "")) {
            assertUnauthorized(api.call("GET", "/api/tasks").authorization(header.isEmpty() ? null : header).send());
        }
        // The scheme name is not case-sensitive.
        Shapes.ok(api.call("GET", "/api/tasks").authorization("apikey " + ApiServer.ADMIN_KEY).send(), 200);
    }

    @Test
    void aRevokedKeyIs401() {
        var created = api.server.engine().apiKeys().create("soon-revoked", Set.of("tasks:read"), "starter");
        Shapes.ok(api.call("GET", "/api/tasks").key(created.secret()).send(), 200);
        api.server.engine().apiKeys().revoke(created.key().id());
        assertUnauthorized(api.call("GET", "/api/tasks").key(created.secret()).send());
    }

    @Test
    void theCredentialIsCheckedBeforeTheResourceIsLookedUp() {
        assertUnauthorized(api.call("GET", "/api/tasks/task-987654321").authorization(null).send());
        assertUnauthorized(api.call("PUT", "/api/tasks/task-1").authorization(null).body("{not json").send());
    }

    // ---- 403 ----------------------------------------------------------------------------------

    @Test
    void aReadOnlyKeyReadsEverythingAndWritesNothing() {
        long before = api.get("/api/tasks").meta().get("total").asLong();
        for (Route r : routes()) {
            Resp resp = call(r).key(readKey).send();
            if (r.write()) Shapes.error(resp, 403, "forbidden");
            else Shapes.ok(resp, 200);
        }
        assertThat(api.get("/api/tasks").meta().get("total").asLong()).isEqualTo(before);
        assertUnchanged();
        // "read" is accepted as the read scope too.
        Shapes.ok(api.call("GET", "/api/tasks/" + taskId).key(readAliasKey).send(), 200);
        Shapes.error(api.call("POST", "/api/tasks").key(readAliasKey).body(task("x", "echo")).send(), 403, "forbidden");
    }

    @Test
    void runningAShellCommandNeedsTheJobsWriteScope() {
        JsonNode e = Shapes.error(api.call("POST", "/api/tasks").key(tasksWriteOnlyKey).body(task("x", "echo")).send(),
                403, "forbidden");
        assertThat(e.toString()).contains("jobs:write");
    }

    @Test
    void aWriteOnlyKeyCannotRead() {
        Shapes.error(api.call("GET", "/api/tasks").key(writeKey).send(), 403, "forbidden");
        ObjectNode b = task("written", "echo");
        b.put("scheduled_at", "2999-01-01T00:00:00Z");
        JsonNode t = Shapes.ok(api.call("POST", "/api/tasks").key(writeKey).body(b).send(), 201);
        Shapes.task(t);
    }

    // ---- 404 ----------------------------------------------------------------------------------

    @Test
    void unknownRoutesUnderApiAre404InTheErrorEnvelope() {
        Shapes.error(api.get("/api/nope"), 404, "not_found");
        Shapes.error(api.get("/api/tasks/" + taskId + "/nope"), 404, "not_found");
        Shapes.error(api.get("/api/system/nope"), 404, "not_found");
        Shapes.error(api.post("/api/workers", "{}"), 404, "not_found");
        Shapes.error(api.call("GET", "/api/v2/tasks").authorization(null).send(), 404, "not_found");
    }

    @Test
    void anUnservedMethodOnAKnownPathIsAnErrorNotASuccess() {
        for (Resp r : List.of(api.call("PATCH", "/api/tasks/" + taskId).body("{\"priority\":2}").send(),
                api.delete("/api/tasks"), api.call("PUT", "/api/system/status").body("{}").send())) {
            assertThat(r.status()).as("%s", r).isIn(404, 405);
            Shapes.error(r, r.status(), r.status() == 404 ? "not_found" : "method_not_allowed");
        }
        assertUnchanged();
    }

    // ---- versioning ---------------------------------------------------------------------------

    @Test
    void acceptVersionOneIsServedAndOtherVersionsAre406() {
        Shapes.ok(api.call("GET", "/api/tasks").header("Accept", "application/json; version=1.0").send(), 200);
        Shapes.ok(api.call("GET", "/api/tasks").header("Accept", "application/json;version=1.0").send(), 200);
        Shapes.ok(api.call("GET", "/api/tasks").header("Accept", "application/json").send(), 200);
        Shapes.ok(api.call("GET", "/api/tasks").header("Accept", "*/*").send(), 200);
        Shapes.error(api.call("GET", "/api/tasks").header("Accept", "application/json; version=2.0").send(),
                406, "not_acceptable");
        Shapes.error(api.call("GET", "/api/system/status").header("Accept", "application/json; version=0.9").send(),
                406, "not_acceptable");
        ObjectNode b = task("versioned", "echo");
        b.put("scheduled_at", "2999-01-01T00:00:00Z");
        long before = api.get("/api/tasks").meta().get("total").asLong();
        Shapes.error(api.call("POST", "/api/tasks").header("Accept", "application/json; version=2.0").body(b).send(),
                406, "not_acceptable");
        assertThat(api.get("/api/tasks").meta().get("total").asLong()).isEqualTo(before);
        Shapes.ok(api.call("POST", "/api/tasks").header("Accept", "application/json; version=1.0").body(b).send(), 201);
    }

    // ---- health -------------------------------------------------------------------------------

    @Test
    void healthRoutesAreOpenWithoutACredential() {
        for (String path : List.of("/health/live", "/health", "/health/ready")) {
            Resp r = api.call("GET", path).authorization(null).send();
            assertThat(r.status()).as("%s", r).isEqualTo(200);
            assertThat(r.json().get("status").asText()).isEqualTo("ok");
        }
    }

    // ---- 413 ----------------------------------------------------------------------------------

    @Test
    void aClientStillSendingAnOversizedBodyReadsThe413() {
        // Far past the limit, declared and chunked: the server must read the rest before it closes,
        // or the kernel resets the connection and the client never sees the answer (a CI failure).
        byte[] huge = ("{\"name\": \"x\", \"command\": \"" + "y".repeat(2 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20; i++) {
            Shapes.error(api.call("POST", "/api/tasks").body(huge).send(), 413, "payload_too_large");
            Shapes.error(api.call("POST", "/api/tasks").chunkedBody(huge).send(), 413, "payload_too_large");
        }
    }

    @Test
    void aBodyOverTheLimitIs413() {
        ObjectNode big = task("big", "echo");
        big.put("description", "x".repeat(MAX_BODY));
        long before = api.get("/api/tasks").meta().get("total").asLong();
        Shapes.error(api.post("/api/tasks", big), 413, "payload_too_large");
        Shapes.error(api.call("POST", "/api/tasks").chunkedBody(big.toString().getBytes(StandardCharsets.UTF_8)).send(),
                413, "payload_too_large");
        Shapes.error(api.put("/api/tasks/" + taskId, big), 413, "payload_too_large");
        ObjectNode cp = ApiServer.JSON.createObjectNode();
        cp.putObject("checkpoint_data").put("blob", "y".repeat(MAX_BODY));
        Shapes.error(api.post("/api/tasks/" + taskId + "/checkpoint", cp), 413, "payload_too_large");
        // Nothing was written, and the server goes on answering.
        assertThat(api.get("/api/tasks").meta().get("total").asLong()).isEqualTo(before);
        assertUnchanged();
        // A body just under the limit is fine.
        ObjectNode fits = task("fits", "echo");
        fits.put("scheduled_at", "2999-01-01T00:00:00Z");
        fits.put("description", "z".repeat(MAX_BODY - fits.toString().length() - 20));
        assertThat(fits.toString().length()).isLessThanOrEqualTo(MAX_BODY);
        Shapes.ok(api.post("/api/tasks", fits), 201);
    }

    // ---- bodies that must not break the server ------------------------------------------------

    @Test
    void hostileBodiesAreClientErrorsNeverServerErrors() {
        List<String> bodies = List.of("[".repeat(2000), "{\"a\":".repeat(600), "{\"name\":\"x\",\"command\":\"y\"} trailing",
                "{\"name\":\"x\",\"command\":\"y\",\"priority\":1e400}", "{\"name\":\"x\",\"command\":\"y\",\"priority\":5.0}",
                "{\"name\":\"x\",\"command\":\"y\",\"tags\":[null]}", "{\"name\":\"x\",\"command\":\"y\",\"dependencies\":[null, 3]}",
                "{\"name\":\"x\",\"command\":\"y\",\"dependencies\":[\"task-9223372036854775807\"]}",
                "{\"name\":\"x\",\"command\":\"y\",\"timeout_seconds\":9223372036854775807}",
                "{\"name\":\"x\",\"command\":\"y\",\"scheduled_at\":\"2023-13-45T99:00:00Z\"}",
                "{\"name\":\"x\",\"command\":\"y\",\"scheduled_at\":\"2023-06-15T12:00:00\"}", "null", "42", "true", " ");
        for (String b : bodies) {
            Resp create = api.post("/api/tasks", b);
            assertThat(create.status()).as("%s", create).isIn(400, 422);
            Shapes.error(create, create.status(), create.status() == 400 ? "bad_request" : "validation_error");
            Resp update = api.put("/api/tasks/" + taskId, b);
            assertThat(update.status()).as("%s", update).isIn(400, 422);
            Resp cp = api.post("/api/tasks/" + taskId + "/checkpoint", b);
            assertThat(cp.status()).as("%s", cp).isIn(400, 409, 422);
        }
        byte[] notUtf8 = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        Resp r = api.call("POST", "/api/tasks").body(notUtf8).send();
        assertThat(r.status()).as("%s", r).isIn(400, 422);
        assertUnchanged();
    }
}
