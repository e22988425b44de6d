package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.server.nativeapi.ApiServer.Resp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/blueprints} and {@code /api/jobs} over real HTTP: registering JSON and YAML, every
 * problem of an invalid blueprint with its path, versions and the graph; jobs started natively,
 * listed, read, their history, cancelled and decided, a non-admin key seeing only its own; and
 * bad input of every kind answered with the native 4xx, never a 500. Each test uses its own
 * blueprint names, so one server serves the class.
 */
class NativeWorkflowsTest {
    static final AtomicInteger UNIQUE = new AtomicInteger();

    @TempDir
    static Path dir;
    static ApiServer api;
    /** Keys with tasks:read and tasks:write (no admin): each sees only the jobs it started. */
    static String alice, bob;
    /** A key with tasks:read only. */
    static String reader;

    @BeforeAll
    static void start() {
        // A 64 KiB body limit, so an oversized blueprint is cheap to send.
        api = ApiServer.start(ApiServer.config(dir, null, 2, 64 << 10), Clock.systemUTC());
        alice = key("alice", "tasks:read", "tasks:write");
        bob = key("bob", "tasks:read", "tasks:write");
        reader = key("reader", "tasks:read");
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
    }

    static String key(String name, String... scopes) {
        StringBuilder s = new StringBuilder();
        for (String sc : scopes) s.append(s.isEmpty() ? "" : ", ").append('"').append(sc).append('"');
        Resp r = api.post("/api/keys", "{\"name\": \"" + name + "\", \"scopes\": [" + s + "]}");
        String secret = Shapes.ok(r, 201).get("secret").asText();
        dev.coxswain.server.testing.SecretLedger.secret(secret);
        return secret;
    }

    static String unique(String prefix) {
        return prefix + "_" + UNIQUE.incrementAndGet();
    }

    /** An approval flow: a job waits for a decision from the start. */
    static String approval(String name) {
        return """
                {"name": "%s", "description": "ship it?", "states": {
                  "review": {"start": true, "type": "approval", "message": "Ship {{ initial_data.n }}?",
                             "transitions": {"approved": "finished", "rejected": "failed"}},
                  "finished": {"type": "end", "result": "{{ decision }}"},
                  "failed": {"type": "end", "outcome": "failed"}}}""".formatted(name);
    }

    static Resp register(String body, String contentType) {
        return api.call("POST", "/api/blueprints").header("Content-Type", contentType).body(body).send();
    }

    static JsonNode registered(String body) {
        return Shapes.ok(register(body, "application/json"), 201);
    }

    static Resp startJob(String blueprint, String body, String key) {
        return api.call("POST", "/api/blueprints/" + blueprint + "/jobs").key(key).body(body).send();
    }

    static JsonNode started(String blueprint, String body, String key) {
        return Shapes.ok(startJob(blueprint, body, key), 201);
    }

    // ---- blueprints ------------------------------------------------------------------------

    @Test
    void jsonAndYamlBlueprintsAreRegisteredAsVersionsAndReadBack() {
        String name = unique("flow");
        JsonNode v1 = registered(approval(name));
        assertThat(v1.get("name").asText()).isEqualTo(name);
        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(v1.get("api_version").asText()).isEqualTo("v1");
        assertThat(v1.get("api_endpoint").isNull()).isTrue();
        assertThat(v1.get("created_by").asText()).startsWith("key:");
        assertThat(v1.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(v1.get("warnings").isArray()).isTrue();
        assertThat(v1.at("/definition/states/review/start").asBoolean()).isTrue();
        assertThat(v1.at("/definition/states/review/type").asText()).isEqualTo("approval");

        // The same name in YAML, under each YAML media type: versions 2, 3, 4.
        String yaml = """
                name: %s
                api_endpoint: /jobs/%s
                states:
                  fetch:
                    start: true
                    type: dispatch
                    skill: nobody_serves_this
                    params: { url: "{{ initial_data.url }}" }
                    transitions: { success: done, failure: failed }
                  done: { type: end, outcome: finished }
                  failed: { type: end }
                """.formatted(name, name);
        int version = 1;
        for (String type : List.of("application/yaml", "application/x-yaml", "text/yaml; charset=utf-8")) {
            JsonNode v = Shapes.ok(register(yaml, type), 201);
            assertThat(v.get("version").asInt()).as(type).isEqualTo(++version);
            assertThat(v.get("api_endpoint").asText()).isEqualTo("/jobs/" + name);
            // No worker serves the skill: registered, with a warning at its path.
            assertThat(v.get("warnings").toString()).contains("states.fetch.skill", "\"severity\":\"warning\"");
        }

        JsonNode newest = Shapes.ok(api.get("/api/blueprints/" + name), 200);
        assertThat(newest.get("version").asInt()).isEqualTo(4);
        assertThat(newest.at("/definition/states/fetch/skill").asText()).isEqualTo("nobody_serves_this");
        assertThat(newest.has("warnings")).isFalse();
        JsonNode first = Shapes.ok(api.get("/api/blueprints/" + name + "?version=1"), 200);
        assertThat(first.get("version").asInt()).isEqualTo(1);
        assertThat(first.at("/definition/states/review/type").asText()).isEqualTo("approval");

        Resp versions = api.get("/api/blueprints/" + name + "/versions?limit=3");
        assertThat(Shapes.ok(versions, 200).size()).isEqualTo(3);
        assertThat(versions.meta().get("total").asInt()).isEqualTo(4);
        assertThat(versions.meta().get("pages").asInt()).isEqualTo(2);
        assertThat(versions.data().get(0).get("version").asInt()).isEqualTo(1);
        assertThat(versions.data().get(0).has("definition")).isFalse();
        assertThat(Shapes.ok(api.get("/api/blueprints/" + name + "/versions?page=2&limit=3"), 200).get(0).get("version").asInt()).isEqualTo(4);

        // The list shows the newest version of each, readable with tasks:read alone.
        Resp list = api.call("GET", "/api/blueprints?limit=100").key(reader).send();
        JsonNode mine = null;
        for (JsonNode b : Shapes.ok(list, 200)) if (b.get("name").asText().equals(name)) mine = b;
        assertThat(mine).as("%s", list).isNotNull();
        assertThat(mine.get("version").asInt()).isEqualTo(4);
        assertThat(list.meta().get("total").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theGraphIsDot() {
        String name = unique("graph");
        registered(approval(name));
        Resp r = api.get("/api/blueprints/" + name + "/graph");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/vnd.graphviz; charset=utf-8");
        assertThat(r.body()).startsWith("// State Machine for " + name + "\ndigraph {")
                .contains("\"review\" -> \"finished\" [label=\"approved\"]", "\"review\" -> \"failed\" [label=\"rejected\"]",
                        "peripheries=2")
                .endsWith("}\n");
    }

    @Test
    void anInvalidBlueprintListsEveryProblemWithItsPath() {
        String body = """
                {"name": "bad name!", "api_endpoint": "no-slash", "states": {
                  "a": {"start": true, "type": "dispatch", "skill": "s", "transitions": {"success": "nowhere"}},
                  "b": {"start": true, "type": "approval", "transitions": {"approved": "a"}},
                  "island": {"type": "end", "transitions": {"x": "a"}},
                  "c": {"type": "teleport"}}}""";
        Resp r = register(body, "application/json");
        JsonNode e = Shapes.error(r, 422, "validation_error");
        JsonNode details = e.get("details");
        assertThat(details.has("name")).as("%s", r).isTrue();
        assertThat(details.has("api_endpoint")).as("%s", r).isTrue();
        assertThat(details.has("states.a.transitions.success")).as("%s", r).isTrue();
        assertThat(details.get("states.a.transitions.success").asText()).contains("nowhere");
        assertThat(details.get("states").asText()).as("%s", r).contains("exactly one state may have start: true");
        assertThat(details.get("states.island.transitions").asText()).as("%s", r).contains("an end state has no transitions");
        assertThat(details.get("states.c.type").asText()).as("%s", r).contains("unknown state type 'teleport'");
        // A blueprint missing its states: parsed, so a 422 with the problem at "$".
        JsonNode noStates = Shapes.error(register("{\"name\": \"lonely\"}", "application/json"), 422, "validation_error");
        assertThat(noStates.at("/details/$").asText()).contains("states");
        assertThat(e.get("message").asText()).matches("Blueprint is invalid: \\d+ errors");
        for (var it = details.properties().iterator(); it.hasNext(); ) assertThat(it.next().getValue().isTextual()).isTrue();
        // Nothing was stored.
        Shapes.error(api.get("/api/blueprints/" + "bad"), 404, "not_found");
    }

    @Test
    void badBlueprintTextIsANative4xxNeverA500() {
        // Malformed JSON, malformed YAML, an empty body: nothing parses, so 400 with the reason at "$".
        JsonNode json = Shapes.error(register("{\"name\": \"x\", \"states\": {", "application/json"), 400, "bad_request");
        assertThat(json.at("/details/$").asText()).contains("not valid json");
        JsonNode yaml = Shapes.error(register("name: x\nstates: [unclosed\n", "application/yaml"), 400, "bad_request");
        assertThat(yaml.at("/details/$").asText()).contains("not valid yaml");
        Shapes.error(api.call("POST", "/api/blueprints").header("Content-Type", "application/json").send(), 400, "bad_request");
        // A duplicate state is refused rather than the last one silently winning.
        Shapes.error(register("name: x\nstates:\n  a: {start: true, type: end}\n  a: {type: end}\n", "application/yaml"), 400, "bad_request");
        // Wrong types: every one named.
        JsonNode types = Shapes.error(register("{\"name\": 5, \"states\": [1, 2], \"description\": {}}", "application/json"), 422,
                "validation_error");
        assertThat(types.get("details").has("name")).as("%s", types).isTrue();
        assertThat(types.get("details").has("states")).as("%s", types).isTrue();
        Shapes.error(register("[1, 2]", "application/json"), 400, "bad_request");
        Shapes.error(register("just text", "application/yaml"), 400, "bad_request");
        // Another media type is 415; a body over the limit 413; not UTF-8 still a 4xx.
        Shapes.error(register("name: x", "text/plain"), 415, "unsupported_media_type");
        Shapes.error(register("<blueprint/>", "application/xml"), 415, "unsupported_media_type");
        Shapes.error(register("{\"name\": \"" + "y".repeat(70 << 10) + "\"}", "application/json"), 413, "payload_too_large");
        Resp latin = api.call("POST", "/api/blueprints").header("Content-Type", "application/yaml")
                .body("name: caf\u00e9\nstates: {}".getBytes(StandardCharsets.ISO_8859_1)).send();
        assertThat(latin.status()).as("%s", latin).isBetween(400, 499);
        // Only an admin registers.
        Shapes.error(api.call("POST", "/api/blueprints").key(alice).body(approval(unique("nope"))).send(), 403, "forbidden");
    }

    @Test
    void unknownBlueprintsAndVersionsAreNative404s() {
        String name = unique("known");
        registered(approval(name));
        for (String path : List.of("/api/blueprints/nope_" + name, "/api/blueprints/nope_" + name + "/versions",
                "/api/blueprints/nope_" + name + "/graph", "/api/blueprints/" + name + "?version=2",
                "/api/blueprints/bad%20name", "/api/blueprints/" + "x".repeat(129))) {
            Shapes.error(api.get(path), 404, "not_found");
        }
        Shapes.error(startJob("nope_" + name, "{}", alice), 404, "not_found");
        Shapes.error(api.get("/api/blueprints/" + name + "?version=abc"), 400, "bad_request");
        Shapes.error(api.get("/api/blueprints/" + name + "?version=0"), 400, "bad_request");
        Shapes.error(api.get("/api/blueprints?limit=0"), 400, "bad_request");
    }

    // ---- jobs ----------------------------------------------------------------------------------

    @Test
    void aNonAdminSeesDecidesAndCancelsOnlyItsOwnJobs() {
        String name = unique("approve");
        registered(approval(name));
        JsonNode a1 = started(name, "{\"initial_data\": {\"n\": 1}, \"metadata\": {\"ticket\": \"T-1\"}}", alice);
        JsonNode a2 = started(name, "{\"initial_data\": {\"n\": 2}}", alice);
        JsonNode b1 = started(name, "{\"initial_data\": {\"n\": 3}}", bob);

        assertThat(a1.get("id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(a1.get("status").asText()).isEqualTo("waiting_for_human");
        assertThat(a1.get("current_state").asText()).isEqualTo("review");
        assertThat(a1.get("approval_message").asText()).isEqualTo("Ship 1?");
        assertThat(a1.get("blueprint").asText()).isEqualTo(name);
        assertThat(a1.get("blueprint_version").asInt()).isEqualTo(1);
        assertThat(a1.get("owner").asText()).startsWith("key:");
        assertThat(a1.at("/initial_data/n").asInt()).isEqualTo(1);
        assertThat(a1.at("/metadata/ticket").asText()).isEqualTo("T-1");
        assertThat(a1.get("created_at").asText()).endsWith("Z");
        assertThat(a1.get("finished_at").isNull()).isTrue();

        // Lists: each key its own, the admin all three; filters by blueprint and status.
        Resp aliceList = api.call("GET", "/api/jobs?blueprint=" + name).key(alice).send();
        assertThat(ids(Shapes.ok(aliceList, 200))).containsExactly(a2.get("id").asText(), a1.get("id").asText());
        assertThat(aliceList.meta().get("total").asInt()).isEqualTo(2);
        assertThat(ids(Shapes.ok(api.call("GET", "/api/jobs?blueprint=" + name).key(bob).send(), 200)))
                .containsExactly(b1.get("id").asText());
        assertThat(ids(Shapes.ok(api.get("/api/jobs?blueprint=" + name), 200))).hasSize(3);
        assertThat(ids(Shapes.ok(api.get("/api/jobs?blueprint=" + name + "&status=WAITING_FOR_HUMAN&limit=2"), 200))).hasSize(2);
        assertThat(ids(Shapes.ok(api.get("/api/jobs?blueprint=" + name + "&status=finished"), 200))).isEmpty();

        // Another's job is 404 for every route, exactly like a job that does not exist.
        String bobs = "/api/jobs/" + b1.get("id").asText();
        Shapes.error(api.call("GET", bobs).key(alice).send(), 404, "not_found");
        Shapes.error(api.call("GET", bobs + "/history").key(alice).send(), 404, "not_found");
        Shapes.error(api.call("POST", bobs + "/cancel").key(alice).send(), 404, "not_found");
        Shapes.error(api.call("POST", bobs + "/decision").key(alice).body("{\"decision\": \"approved\"}").send(), 404, "not_found");
        assertThat(Shapes.ok(api.call("GET", bobs).key(bob).send(), 200).get("status").asText()).isEqualTo("waiting_for_human");
        // Upper-case UUIDs name the same job.
        Shapes.ok(api.call("GET", bobs.toUpperCase().replace("/API/JOBS/", "/api/jobs/")).key(bob).send(), 200);

        // A decision the state has no transition for is 400 naming decision; a good one moves the job on.
        String a1Path = "/api/jobs/" + a1.get("id").asText();
        JsonNode wrong = Shapes.error(api.call("POST", a1Path + "/decision").key(alice).body("{\"decision\": \"maybe\"}").send(),
                400, "bad_request");
        assertThat(wrong.get("details").has("decision")).as("%s", wrong).isTrue();
        JsonNode decided = Shapes.ok(api.call("POST", a1Path + "/decision").key(alice)
                .body("{\"decision\": \"approved\", \"metadata\": {\"approver\": \"alice\"}}").send(), 200);
        assertThat(decided.get("status").asText()).isEqualTo("finished");
        assertThat(decided.get("approval_message").isNull()).isTrue();
        assertThat(decided.at("/metadata/approver").asText()).isEqualTo("alice");
        assertThat(decided.at("/metadata/ticket").asText()).isEqualTo("T-1");
        assertThat(decided.get("finished_at").asText()).endsWith("Z");
        // Not waiting any more: 409 for a decision and for a cancel.
        Shapes.error(api.call("POST", a1Path + "/decision").key(alice).body("{\"decision\": \"approved\"}").send(), 409, "conflict");
        Shapes.error(api.call("POST", a1Path + "/cancel").key(alice).send(), 409, "conflict");

        // History: created, the approval state, the decision, the end; oldest first, paginated.
        Resp history = api.call("GET", a1Path + "/history").key(alice).send();
        JsonNode events = Shapes.ok(history, 200);
        List<String> types = new ArrayList<>();
        events.forEach(ev -> types.add(ev.get("type").asText()));
        assertThat(types.get(0)).isEqualTo("job_created");
        assertThat(types).contains("state_started");
        assertThat(events.get(0).get("job_id").asText()).isEqualTo(a1.get("id").asText());
        assertThat(events.get(0).get("timestamp").asText()).endsWith("Z");
        assertThat(history.meta().get("total").asInt()).isEqualTo(events.size());
        assertThat(Shapes.ok(api.call("GET", a1Path + "/history?limit=1&page=2").key(alice).send(), 200)).hasSize(1);
        Shapes.error(api.call("GET", a1Path + "/history?page=0").key(alice).send(), 400, "bad_request");

        // Cancel: the waiting job ends cancelled; again is 409.
        String a2Path = "/api/jobs/" + a2.get("id").asText();
        JsonNode cancelled = Shapes.ok(api.call("POST", a2Path + "/cancel").key(alice).send(), 200);
        assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
        Shapes.error(api.call("POST", a2Path + "/cancel").key(alice).send(), 409, "conflict");
        Shapes.error(api.call("POST", a2Path + "/decision").key(alice).body("{\"decision\": \"approved\"}").send(), 409, "conflict");

        // The admin may act on anyone's job; a read-only key may read but not act.
        Shapes.error(api.call("POST", bobs + "/cancel").key(reader).send(), 403, "forbidden");
        Shapes.error(api.call("POST", "/api/blueprints/" + name + "/jobs").key(reader).body("{}").send(), 403, "forbidden");
        assertThat(Shapes.ok(api.post(bobs + "/decision", "{\"decision\": \"rejected\"}"), 200).get("status").asText()).isEqualTo("failed");
        assertThat(ids(Shapes.ok(api.call("GET", "/api/jobs?blueprint=" + name).key(reader).send(), 200))).isEmpty();
    }

    @Test
    void aDispatchStepShowsItsTaskAsATaskRef() {
        String name = unique("dispatch");
        registered("""
                {"name": "%s", "states": {
                  "work": {"start": true, "type": "dispatch", "skill": "native_test_skill", "params": {"n": "{{ initial_data.n }}"},
                           "transitions": {"success": "finished", "failure": "failed"}},
                  "finished": {"type": "end"}, "failed": {"type": "end", "outcome": "failed"}}}""".formatted(name));
        JsonNode job = started(name, "{\"initial_data\": {\"n\": 7}, \"dispatch_timeout\": 3600, \"result_timeout\": 7200, "
                + "\"webhook_url\": \"https://example.invalid/hook\"}", alice);
        assertThat(job.get("status").asText()).isEqualTo("waiting_for_worker");
        assertThat(job.get("dispatch_timeout").asInt()).isEqualTo(3600);
        assertThat(job.get("result_timeout").asInt()).isEqualTo(7200);
        assertThat(job.get("webhook_url").asText()).isEqualTo("https://example.invalid/hook");
        assertThat(job.get("task_ids")).hasSize(1);
        String task = job.get("task_ids").get(0).asText();
        assertThat(task).matches("task-\\d+");
        JsonNode t = Shapes.ok(api.get("/api/tasks/" + task), 200);
        assertThat(t.get("type").asText()).isEqualTo("native_test_skill");
        assertThat(t.at("/params/n").asInt()).isEqualTo(7);
        assertThat(t.at("/origin/kind").asText()).isEqualTo("job");
        assertThat(t.at("/origin/id").asText()).isEqualTo(job.get("id").asText());
        // Cancelling the job cancels its step's task.
        Shapes.ok(api.call("POST", "/api/jobs/" + job.get("id").asText() + "/cancel").key(alice).send(), 200);
        assertThat(api.awaitStatus(task, "cancelled").get("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void aBlueprintWithShellStepsNeedsTheShellScopeToStart() {
        String name = unique("shelly");
        registered("""
                {"name": "%s", "states": {
                  "run": {"start": true, "type": "dispatch", "skill": "shell", "params": {"command": "true"},
                          "transitions": {"success": "finished"}},
                  "finished": {"type": "end"}}}""".formatted(name));
        JsonNode e = Shapes.error(startJob(name, "{}", alice), 403, "forbidden");
        assertThat(e.get("message").asText()).contains("jobs:write");
        String shellKey = key("shell", "tasks:read", "tasks:write", "jobs:write");
        Shapes.ok(startJob(name, "{}", shellKey), 201);
    }

    @Test
    void badJobInputIsANative4xxNeverA500() {
        String name = unique("schema");
        registered("""
                {"name": "%s", "input_schema": {"type": "object", "required": ["url"],
                   "properties": {"url": {"type": "string"}}},
                 "states": {"review": {"start": true, "type": "approval", "transitions": {"approved": "finished"}},
                            "finished": {"type": "end"}}}""".formatted(name));
        // The input schema: 400 naming initial_data.
        JsonNode schema = Shapes.error(startJob(name, "{\"initial_data\": {\"url\": 5}}", alice), 400, "bad_request");
        assertThat(schema.get("message").asText()).startsWith("Input validation failed for blueprint '" + name + "'");
        assertThat(schema.get("details").has("initial_data")).isTrue();
        Shapes.error(startJob(name, "{}", alice), 400, "bad_request");
        Shapes.ok(startJob(name, "{\"initial_data\": {\"url\": \"http://x\"}}", alice), 201);

        // Wrong types: one 422 naming every bad field.
        JsonNode types = Shapes.error(startJob(name, "{\"initial_data\": [1], \"webhook_url\": 5, \"dispatch_timeout\": \"9\", "
                + "\"result_timeout\": 0, \"metadata\": \"m\"}", alice), 422, "validation_error");
        assertThat(types.get("details").properties().stream().map(java.util.Map.Entry::getKey).toList())
                .containsExactlyInAnyOrder("initial_data", "webhook_url", "dispatch_timeout", "result_timeout", "metadata");
        Shapes.error(startJob(name, "{\"webhook_url\": \"ftp://x/y\"}", alice), 422, "validation_error");
        Shapes.error(startJob(name, "{\"dispatch_timeout\": 99999999999}", alice), 422, "validation_error");
        // Malformed, empty, not an object, oversized.
        Shapes.error(startJob(name, "{\"initial_data\": ", alice), 400, "bad_request");
        Shapes.error(api.call("POST", "/api/blueprints/" + name + "/jobs").key(alice).send(), 400, "bad_request");
        Shapes.error(startJob(name, "[]", alice), 400, "bad_request");
        Shapes.error(startJob(name, "{\"metadata\": {\"x\": \"" + "z".repeat(70 << 10) + "\"}}", alice), 413, "payload_too_large");

        // Decisions: missing or mistyped decision, malformed body.
        String id = Shapes.ok(startJob(name, "{\"initial_data\": {\"url\": \"u\"}}", alice), 201).get("id").asText();
        String decide = "/api/jobs/" + id + "/decision";
        Shapes.error(api.call("POST", decide).key(alice).body("{}").send(), 422, "validation_error");
        Shapes.error(api.call("POST", decide).key(alice).body("{\"decision\": 5}").send(), 422, "validation_error");
        Shapes.error(api.call("POST", decide).key(alice).body("{\"decision\": \"approved\", \"metadata\": 3}").send(), 422,
                "validation_error");
        Shapes.error(api.call("POST", decide).key(alice).body("{\"decision\": \"a\\u0000b\"}").send(), 422, "validation_error");
        Shapes.error(api.call("POST", decide).key(alice).body("not json").send(), 400, "bad_request");
        Shapes.error(api.call("POST", decide).key(alice).body("{\"decision\": \"" + "d".repeat(70 << 10) + "\"}").send(), 413,
                "payload_too_large");

        // Unknown ids of every shape, and bad list parameters.
        for (String bad : List.of("00000000-0000-0000-0000-000000000000", "nope", "task-1", "1", "%00",
                "3f0c8f7e-5c1a-4f4e-9a51-2b7f1d0c9e1", "3f0c8f7e5c1a4f4e9a512b7f1d0c9e11")) {
            Shapes.error(api.get("/api/jobs/" + bad), 404, "not_found");
            Shapes.error(api.get("/api/jobs/" + bad + "/history"), 404, "not_found");
            Shapes.error(api.post("/api/jobs/" + bad + "/cancel"), 404, "not_found");
            Shapes.error(api.post("/api/jobs/" + bad + "/decision", "{\"decision\": \"approved\"}"), 404, "not_found");
        }
        JsonNode status = Shapes.error(api.get("/api/jobs?status=asleep"), 400, "bad_request");
        assertThat(status.get("details").has("status")).isTrue();
        Shapes.error(api.get("/api/jobs?limit=x"), 400, "bad_request");
        Shapes.error(api.get("/api/jobs?blueprint=" + "b".repeat(200)), 400, "bad_request");
        assertThat(Shapes.ok(api.get("/api/jobs?blueprint=nothing_here"), 200)).isEmpty();
    }

    private static List<String> ids(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.get("id").asText()));
        return out;
    }
}
