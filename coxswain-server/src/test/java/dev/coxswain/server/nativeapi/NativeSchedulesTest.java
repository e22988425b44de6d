package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.server.docs.SchemaCheck;
import dev.coxswain.server.nativeapi.ApiServer.Resp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.nativeapi.ApiServer.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/schedules} in the native envelope: create (any task type; shell is the one there
 * is), list with filters and paging, get, partial PUT, delete, pause, resume, run, runs and
 * {@code POST /api/schedules/validate}; Chadburn jobs listed with {@code face: "chadburn"}. Every
 * test uses its own schedules (own names and tags), so one server serves the class.
 */
class NativeSchedulesTest {
    static final String SCHEDULES = "/api/schedules";
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** A secret environment value: the ledger proves it never appears in any response or log. */
    static final String SECRET = "native-schedule-secret-must-not-leak-9";

    @TempDir
    static Path dir;
    static ApiServer api;
    static SchemaCheck schemas;
    static JsonNode doc;

    @BeforeAll
    static void start() {
        api = ApiServer.start(dir);
        dev.coxswain.server.testing.SecretLedger.secret(SECRET);
        Resp served = api.call("GET", "/openapi.json").authorization(null).send();
        assertThat(served.status()).isEqualTo(200);
        doc = served.json();
        schemas = new SchemaCheck(doc);
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
    }

    static ObjectNode schedule(String name, String cron, String command) {
        ObjectNode b = JSON.createObjectNode().put("name", name).put("cron", cron);
        b.putObject("payload").put("command", command);
        return b;
    }

    /** The answer fits the schema the OpenAPI document gives for it. */
    static JsonNode fits(Resp r, String path, String method, int status) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(schemas.problems(r.json(), schemas.responseSchema(path, method, status)))
                .as("%s %s %d: %s", method.toUpperCase(), path, status, r.body()).isEmpty();
        JsonNode response = schemas.resolve(doc.path("paths").path(path).path(method).path("responses").path(Integer.toString(status)));
        for (String h : List.of("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "WWW-Authenticate")) {
            if (r.headers().firstValue(h).isPresent()) {
                assertThat(response.path("headers").has(h)).as("%s %s %d sends %s but does not document it",
                        method.toUpperCase(), path, status, h).isTrue();
            }
        }
        return r.json();
    }

    static JsonNode create(ObjectNode b) {
        Resp r = api.post(SCHEDULES, b);
        fits(r, SCHEDULES, "post", 201);
        return Shapes.ok(r, 201);
    }

    static String path(JsonNode s) {
        return SCHEDULES + "/" + s.get("id").asText();
    }

    static JsonNode get(JsonNode s) {
        Resp r = api.get(path(s));
        fits(r, SCHEDULES + "/{id}", "get", 200);
        return Shapes.ok(r, 200);
    }

    static Resp list(String query) {
        Resp r = api.get(SCHEDULES + query);
        fits(r, SCHEDULES, "get", 200);
        Shapes.ok(r, 200);
        return r;
    }

    static Instant instant(JsonNode n) {
        return Instant.parse(n.asText());
    }

    /** The first fire time strictly after {@code after} of a daily schedule at {@code at} in {@code zone} (no DST edge). */
    static Instant nextDaily(Instant after, LocalTime at, ZoneId zone) {
        ZonedDateTime c = after.atZone(zone).toLocalDate().atTime(at).atZone(zone);
        if (!c.toInstant().isAfter(after)) c = c.plusDays(1);
        return c.toInstant();
    }

    // ---- create -------------------------------------------------------------------------------

    @Test
    void createWithTheRequiredFieldsAppliesTheDefaults() {
        Instant before = Instant.now();
        JsonNode s = create(schedule("minimal-schedule", "0 0 1 1 *", "echo hi"));
        assertThat(s.get("id").asText()).matches("sch-\\d+");
        assertThat(s.get("face").asText()).isEqualTo("native");
        assertThat(s.get("name").asText()).isEqualTo("minimal-schedule");
        assertThat(s.get("description").isNull()).isTrue();
        assertThat(s.get("cron").asText()).isEqualTo("0 0 1 1 *");
        assertThat(s.get("timezone").asText()).isEqualTo("Z");
        assertThat(s.get("task_type").asText()).isEqualTo("shell");
        assertThat(s.get("payload")).isEqualTo(JSON.createObjectNode().put("command", "echo hi"));
        assertThat(s.get("priority").asInt()).isEqualTo(5);
        assertThat(s.get("tags")).isEmpty();
        assertThat(s.get("max_retries").asInt()).isEqualTo(3);
        assertThat(s.get("backoff").asText()).isEqualTo("exponential");
        assertThat(s.get("timeout_seconds").asInt()).isEqualTo(3600);
        assertThat(s.get("misfire_policy").asText()).isEqualTo("run_once");
        assertThat(s.get("overlap_policy").asText()).isEqualTo("forbid");
        assertThat(s.get("status").asText()).isEqualTo("active");
        assertThat(s.get("last_slot_at").isNull()).isTrue();
        assertThat(s.get("last_task_id").isNull()).isTrue();
        Shapes.time(s.get("created_at"), "created_at");
        // The next 1 January, 00:00 in the server's zone (UTC).
        int year = before.atZone(ZoneOffset.UTC).getYear() + 1;
        assertThat(instant(s.get("next_run_at"))).isEqualTo(Instant.parse(year + "-01-01T00:00:00Z"));
        assertThat(get(s)).isEqualTo(s);
    }

    @Test
    void createWithEveryFieldEchoesThemAndMasksTheEnvironment() {
        ObjectNode b = schedule("full-schedule", "30 2 * * *", "pg_dump mydb");
        b.put("timezone", "Europe/Berlin").put("description", "nightly dump").put("task_type", "shell").put("priority", 8)
                .put("max_retries", 1).put("backoff", "fixed:5").put("timeout_seconds", 60).put("misfire_policy", "skip")
                .put("overlap_policy", "allow");
        b.putArray("tags").add("full").add("nightly");
        ((ObjectNode) b.get("payload")).put("working_directory", dir.toString()).putObject("env").put("PGPASSWORD", SECRET);
        Resp r = api.post(SCHEDULES, b);
        fits(r, SCHEDULES, "post", 201);
        JsonNode s = Shapes.ok(r, 201);
        assertThat(r.body()).doesNotContain(SECRET);
        assertThat(s.get("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(s.get("description").asText()).isEqualTo("nightly dump");
        assertThat(s.get("priority").asInt()).isEqualTo(8);
        assertThat(s.get("max_retries").asInt()).isEqualTo(1);
        assertThat(s.get("backoff").asText()).isEqualTo("fixed:5");
        assertThat(s.get("timeout_seconds").asInt()).isEqualTo(60);
        assertThat(s.get("misfire_policy").asText()).isEqualTo("skip");
        assertThat(s.get("overlap_policy").asText()).isEqualTo("allow");
        assertThat(Shapes.strings(s.get("tags"), "tags")).containsExactly("full", "nightly");
        assertThat(s.get("payload").get("command").asText()).isEqualTo("pg_dump mydb");
        assertThat(s.get("payload").get("working_directory").asText()).isEqualTo(dir.toString());
        assertThat(s.get("payload").get("env")).isEqualTo(JSON.createObjectNode().put("PGPASSWORD", "******"));
        // 02:30 Berlin time, whichever offset applies on that day.
        Instant next = instant(s.get("next_run_at"));
        ZonedDateTime local = next.atZone(BERLIN);
        assertThat(local.toLocalTime()).isIn(LocalTime.of(2, 30), LocalTime.of(3, 0));
        assertThat(next).isBetween(Instant.now().minusSeconds(5), Instant.now().plus(Duration.ofHours(25)));

        Resp got = api.get(path(s));
        assertThat(got.body()).doesNotContain(SECRET);
        assertThat(got.data().get("payload").get("env").get("PGPASSWORD").asText()).isEqualTo("******");
        Resp listed = list("?tag=nightly");
        assertThat(listed.body()).doesNotContain(SECRET);
        assertThat(listed.data().get(0).at("/payload/env/PGPASSWORD").asText()).isEqualTo("******");
    }

    @Test
    void createPausedHasNoNextRun() {
        ObjectNode b = schedule("born-paused-schedule", "0 0 * * *", "true");
        b.put("paused", true);
        JsonNode s = create(b);
        assertThat(s.get("status").asText()).isEqualTo("paused");
        assertThat(s.get("next_run_at").isNull()).isTrue();
    }

    @Test
    void createValidatesEveryField() {
        record Case(String field, ObjectNode body) {
        }
        List<Case> cases = new ArrayList<>();
        ObjectNode noCommand = schedule("v-no-command", "0 0 * * *", "x");
        ((ObjectNode) noCommand.get("payload")).remove("command");
        cases.add(new Case("payload.command", noCommand));
        cases.add(new Case("payload.command", schedule("v-blank-command", "0 0 * * *", " ")));
        ObjectNode numCommand = schedule("v-num-command", "0 0 * * *", "x");
        ((ObjectNode) numCommand.get("payload")).put("command", 5);
        cases.add(new Case("payload.command", numCommand));
        ObjectNode noPayload = schedule("v-no-payload", "0 0 * * *", "x");
        noPayload.remove("payload");
        cases.add(new Case("payload", noPayload));
        cases.add(new Case("payload", (ObjectNode) schedule("v-array-payload", "0 0 * * *", "x").set("payload", JSON.createArrayNode())));
        ObjectNode badEnv = schedule("v-bad-env", "0 0 * * *", "x");
        ((ObjectNode) badEnv.get("payload")).putObject("env").put("A", 1);
        cases.add(new Case("payload.env", badEnv));
        // No process environment can hold these: refused up front instead of failing every run.
        ObjectNode nulEnv = schedule("v-nul-env", "0 0 * * *", "x");
        ((ObjectNode) nulEnv.get("payload")).putObject("env").put("A", "nul\u0000value");
        cases.add(new Case("payload.env", nulEnv));
        for (String name : List.of("A=B", "", "nul\u0000name")) {
            ObjectNode badName = schedule("v-env-name-" + name.hashCode(), "0 0 * * *", "x");
            ((ObjectNode) badName.get("payload")).putObject("env").put(name, "x");
            cases.add(new Case("payload.env", badName));
        }
        ObjectNode badWd = schedule("v-bad-wd", "0 0 * * *", "x");
        ((ObjectNode) badWd.get("payload")).put("working_directory", "/no/such/dir/native");
        cases.add(new Case("payload.working_directory", badWd));
        for (String cron : List.of("61 * * * *", "* * * * * * * *", "99 * * * * *", "@every 0s", "@nonsense", "0 0 30 2 *",
                "CRON_TZ=Nowhere/City 0 0 * * *")) {
            cases.add(new Case("cron", schedule("v-cron-" + cron.hashCode(), cron, "x")));
        }
        cases.add(new Case("cron", schedule("v-empty-cron", "", "x")));
        cases.add(new Case("cron", (ObjectNode) schedule("v-no-cron", "x", "x").without("cron")));
        cases.add(new Case("name", (ObjectNode) schedule("x", "0 0 * * *", "x").without("name")));
        cases.add(new Case("name", schedule("n".repeat(201), "0 0 * * *", "x")));
        cases.add(new Case("misfire_policy", schedule("v-misfire", "0 0 * * *", "x").put("misfire_policy", "later")));
        cases.add(new Case("overlap_policy", schedule("v-overlap", "0 0 * * *", "x").put("overlap_policy", "queue")));
        cases.add(new Case("task_type", schedule("v-type", "0 0 * * *", "x").put("task_type", "http.get"))); // not a skill name
        cases.add(new Case("timezone", schedule("v-zone", "0 0 * * *", "x").put("timezone", "Mars/Olympus")));
        cases.add(new Case("priority", schedule("v-priority", "0 0 * * *", "x").put("priority", 11)));
        cases.add(new Case("max_retries", schedule("v-retries", "0 0 * * *", "x").put("max_retries", -1)));
        cases.add(new Case("backoff", schedule("v-backoff", "0 0 * * *", "x").put("backoff", "linear")));
        cases.add(new Case("timeout_seconds", schedule("v-timeout", "0 0 * * *", "x").put("timeout_seconds", 0)));
        cases.add(new Case("paused", schedule("v-paused", "0 0 * * *", "x").put("paused", "yes")));
        cases.add(new Case("tags", schedule("v-tags", "0 0 * * *", "x").put("tags", "a")));
        for (Case c : cases) {
            Resp r = api.post(SCHEDULES, c.body());
            assertThat(r.status()).as("%s: %s", c.field(), r).isEqualTo(422);
            Shapes.validation(r, c.field());
            fits(r, SCHEDULES, "post", 422);
        }
        Resp cron = api.post(SCHEDULES, schedule("v-cron-msg", "61 * * * *", "x"));
        assertThat(Shapes.validation(cron, "cron").get("cron").asText()).contains("61");
        // Nothing of that was stored.
        for (JsonNode s : list("?limit=100").data()) assertThat(s.get("name").asText()).doesNotStartWith("v-");
    }

    @Test
    void malformedBodiesAre400AndADuplicateNameIs409() {
        for (String body : List.of("{not json", "[]", "42", "")) {
            Resp r = api.post(SCHEDULES, body);
            Shapes.error(r, 400, "bad_request");
        }
        fits(api.post(SCHEDULES, "{not json"), SCHEDULES, "post", 400);
        create(schedule("dup-schedule", "0 0 * * *", "true"));
        Resp dup = api.post(SCHEDULES, schedule("dup-schedule", "@hourly", "echo other"));
        Shapes.error(dup, 409, "conflict");
        fits(dup, SCHEDULES, "post", 409);
        // Names are per face: a Chadburn job may have the same name.
        Resp job = api.post("/api/v1/jobs", JSON.createObjectNode().put("name", "dup-schedule").put("schedule", "0 0 * * *")
                .put("command", "true"));
        assertThat(job.status()).as("%s", job).isEqualTo(201);
    }

    // ---- list ---------------------------------------------------------------------------------

    @Test
    void listFiltersByStatusTagAndFaceAndPages() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ObjectNode b = schedule("listed-" + i, "0 0 * * *", "true");
            b.putArray("tags").add("listed");
            if (i == 1) b.put("paused", true);
            ids.add(create(b).get("id").asText());
        }
        Resp all = list("?tag=listed");
        assertThat(Shapes.ids(all.data())).containsExactlyElementsOf(ids);
        Shapes.pageMeta(all, 1, 20, 3);
        Resp p1 = list("?tag=listed&limit=2");
        assertThat(Shapes.ids(p1.data())).containsExactly(ids.get(0), ids.get(1));
        Shapes.pageMeta(p1, 1, 2, 3);
        Resp p2 = list("?tag=listed&limit=2&page=2");
        assertThat(Shapes.ids(p2.data())).containsExactly(ids.get(2));
        Shapes.pageMeta(p2, 2, 2, 3);
        assertThat(list("?tag=listed&limit=2&page=3").data()).isEmpty();
        assertThat(Shapes.ids(list("?tag=listed&status=paused").data())).containsExactly(ids.get(1));
        assertThat(Shapes.ids(list("?tag=listed&status=active").data())).containsExactly(ids.get(0), ids.get(2));
        assertThat(Shapes.ids(list("?tag=listed&face=native").data())).containsExactlyElementsOf(ids);
        assertThat(list("?tag=listed&face=chadburn").data()).isEmpty();
        assertThat(list("?tag=liste").data()).isEmpty();
        Shapes.pageMeta(list("?tag=nothing-tagged-so"), 1, 20, 0);

        for (String q : List.of("status=weird", "limit=0", "limit=abc", "page=0", "page=abc")) {
            Resp r = api.get(SCHEDULES + "?" + q);
            Shapes.badParam(r, q.substring(0, q.indexOf('=')));
            fits(r, SCHEDULES, "get", 400);
        }
    }

    @Test
    void chadburnJobsAreSchedulesWithFaceChadburnAndMaskedEnvironment() {
        ObjectNode job = JSON.createObjectNode().put("name", "chadburn-in-native").put("schedule", "0 0 * * *")
                .put("command", "echo from chadburn");
        job.putArray("tags").add("cross-face");
        job.putObject("environment").put("PGPASSWORD", SECRET);
        Resp created = api.post("/api/v1/jobs", job);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String number = created.data().get("id").asText().substring("job-".length());

        Resp listed = list("?face=chadburn&tag=cross-face");
        assertThat(listed.body()).doesNotContain(SECRET);
        assertThat(Shapes.ids(listed.data())).containsExactly("sch-" + number);
        JsonNode s = listed.data().get(0);
        assertThat(s.get("face").asText()).isEqualTo("chadburn");
        assertThat(s.get("name").asText()).isEqualTo("chadburn-in-native");
        assertThat(s.get("cron").asText()).isEqualTo("0 0 * * *");
        assertThat(s.get("task_type").asText()).isEqualTo("shell");
        assertThat(s.get("payload").get("command").asText()).isEqualTo("echo from chadburn");
        assertThat(s.get("payload").get("env")).isEqualTo(JSON.createObjectNode().put("PGPASSWORD", "******"));
        assertThat(s.get("next_run_at")).isEqualTo(created.data().get("next_run"));
        assertThat(get(s)).isEqualTo(s);
        // Unfiltered, the list holds both faces.
        List<String> faces = list("?limit=100").data().findValuesAsText("face");
        assertThat(faces).contains("chadburn", "native");
    }

    // ---- get, update, delete ------------------------------------------------------------------

    @Test
    void unknownIdsAre404() {
        for (String id : List.of("sch-999999", "sch-abc", "sch-0", "999", "job-1", "task-1")) {
            String p = SCHEDULES + "/" + id;
            for (Resp r : List.of(api.get(p), api.put(p, "{\"priority\": 2}"), api.delete(p), api.post(p + "/pause"),
                    api.post(p + "/resume"), api.post(p + "/run"), api.get(p + "/runs"))) {
                Shapes.error(r, 404, "not_found");
            }
        }
        fits(api.get(SCHEDULES + "/sch-999999"), SCHEDULES + "/{id}", "get", 404);
    }

    @Test
    void putChangesOnlyWhatItSendsAndACronChangeMovesTheNextRun() {
        ObjectNode b = schedule("put-partial", "0 0 1 1 *", "true");
        b.put("description", "kept").put("priority", 7);
        b.putArray("tags").add("put-partial");
        JsonNode s = create(b);
        Resp r = api.put(path(s), "{\"cron\": \"0 12 * * *\", \"timezone\": \"Europe/Berlin\"}");
        fits(r, SCHEDULES + "/{id}", "put", 200);
        JsonNode u = Shapes.ok(r, 200);
        assertThat(u.get("cron").asText()).isEqualTo("0 12 * * *");
        assertThat(u.get("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(instant(u.get("next_run_at")))
                .isEqualTo(nextDaily(instant(u.get("updated_at")), LocalTime.NOON, BERLIN))
                .isNotEqualTo(instant(s.get("next_run_at")));
        for (String f : List.of("id", "face", "name", "description", "task_type", "payload", "priority", "tags", "max_retries",
                "backoff", "timeout_seconds", "misfire_policy", "overlap_policy", "status", "created_at")) {
            assertThat(u.get(f)).as(f).isEqualTo(s.get(f));
        }
        JsonNode p = Shapes.ok(api.put(path(s), "{\"priority\": 2, \"tags\": [\"put-partial\", \"more\"]}"), 200);
        assertThat(p.get("priority").asInt()).isEqualTo(2);
        assertThat(p.get("next_run_at")).isEqualTo(u.get("next_run_at"));
        assertThat(p.get("cron").asText()).isEqualTo("0 12 * * *");
        assertThat(get(s)).isEqualTo(p);

        // A paused schedule stays paused through a cron change.
        Shapes.ok(api.post(path(s) + "/pause"), 200);
        JsonNode paused = Shapes.ok(api.put(path(s), "{\"cron\": \"0 6 * * *\"}"), 200);
        assertThat(paused.get("status").asText()).isEqualTo("paused");
        assertThat(paused.get("next_run_at").isNull()).isTrue();
    }

    @Test
    void putRefusesWhatItCannotChange() {
        JsonNode s = create(schedule("put-refused", "0 0 * * *", "true"));
        Shapes.validation(api.put(path(s), "{}"), "body");
        Shapes.validation(api.put(path(s), "{\"cron\": \"61 * * * *\"}"), "cron");
        Shapes.validation(api.put(path(s), "{\"status\": \"paused\"}"), "status");
        Shapes.validation(api.put(path(s), "{\"task_type\": \"shell\"}"), "task_type");
        Shapes.validation(api.put(path(s), "{\"misfire_policy\": \"never\"}"), "misfire_policy");
        Shapes.validation(api.put(path(s), "{\"payload\": {\"env\": {}}}"), "payload.command");
        Shapes.validation(api.put(path(s), "{\"timezone\": \"Nowhere/City\"}"), "timezone");
        // A masked value can only stand for a value that is stored.
        Shapes.validation(api.put(path(s), "{\"payload\": {\"command\": \"true\", \"env\": {\"NEVER_SET\": \"******\"}}}"),
                "payload.env");
        fits(api.put(path(s), "{\"cron\": \"@nonsense\"}"), SCHEDULES + "/{id}", "put", 422);
        Shapes.error(api.put(path(s), "{nope"), 400, "bad_request");
        create(schedule("put-refused-other", "0 0 * * *", "true"));
        Resp dup = api.put(path(s), "{\"name\": \"put-refused-other\"}");
        Shapes.error(dup, 409, "conflict");
        fits(dup, SCHEDULES + "/{id}", "put", 409);
        JsonNode g = get(s);
        assertThat(g.get("name").asText()).isEqualTo("put-refused");
        assertThat(g.get("cron").asText()).isEqualTo("0 0 * * *");
        assertThat(g.get("status").asText()).isEqualTo("active");
    }

    @Test
    void aMaskedEnvValueInAPutKeepsTheStoredOneAndANewValueReplacesIt() {
        // Not a secret: the command prints it, which proves which value the run got.
        ObjectNode b = schedule("env-keep", "0 0 1 1 *", "printf '%s|%s' \"$GREETING\" \"$TARGET\"");
        ((ObjectNode) b.get("payload")).putObject("env").put("GREETING", "hello-native").put("TARGET", "first");
        JsonNode s = create(b);
        assertThat(s.at("/payload/env")).isEqualTo(JSON.createObjectNode().put("GREETING", "******").put("TARGET", "******"));
        ObjectNode put = JSON.createObjectNode();
        ObjectNode payload = put.putObject("payload").put("command", "printf '%s|%s' \"$GREETING\" \"$TARGET\"");
        payload.putObject("env").put("GREETING", "******").put("TARGET", "second");
        JsonNode u = Shapes.ok(api.put(path(s), put), 200);
        assertThat(u.at("/payload/env")).isEqualTo(JSON.createObjectNode().put("GREETING", "******").put("TARGET", "******"));
        assertThat(runOutput(s)).isEqualTo("hello-native|second");
    }

    /** Runs the schedule now and returns the task's result once it completed. */
    static String runOutput(JsonNode s) {
        Resp r = api.post(path(s) + "/run");
        JsonNode t = Shapes.ok(r, 201);
        return api.awaitStatus(t.get("id").asText(), "completed").get("result").asText();
    }

    @Test
    void deleteAnswersSuccessAndTheScheduleIsGone() {
        JsonNode s = create(schedule("delete-schedule", "0 0 * * *", "true"));
        Resp r = api.delete(path(s));
        fits(r, SCHEDULES + "/{id}", "delete", 200);
        assertThat(Shapes.ok(r, 200)).isEqualTo(JSON.createObjectNode().put("success", true)
                .put("message", "Schedule deleted successfully"));
        Shapes.error(api.get(path(s)), 404, "not_found");
        Shapes.error(api.delete(path(s)), 404, "not_found");
        Shapes.error(api.get(path(s) + "/runs"), 404, "not_found");
    }

    // ---- pause, resume, run, runs -------------------------------------------------------------

    @Test
    void pauseAndResume() {
        JsonNode s = create(schedule("pause-resume-schedule", "0 0 * * *", "true"));
        Resp p = api.post(path(s) + "/pause");
        fits(p, SCHEDULES + "/{id}/pause", "post", 200);
        JsonNode paused = Shapes.ok(p, 200);
        assertThat(paused.get("status").asText()).isEqualTo("paused");
        assertThat(paused.get("next_run_at").isNull()).isTrue();
        assertThat(Shapes.ok(api.post(path(s) + "/pause"), 200).get("status").asText()).isEqualTo("paused");
        Resp r = api.post(path(s) + "/resume");
        fits(r, SCHEDULES + "/{id}/resume", "post", 200);
        JsonNode resumed = Shapes.ok(r, 200);
        assertThat(resumed.get("status").asText()).isEqualTo("active");
        assertThat(instant(resumed.get("next_run_at")))
                .isEqualTo(nextDaily(instant(resumed.get("updated_at")), LocalTime.MIDNIGHT, ZoneOffset.UTC));
        assertThat(get(s)).isEqualTo(resumed);

        JsonNode done = create(schedule("completed-schedule", "0 0 0 1 1 * 2001", "true"));
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("next_run_at").isNull()).isTrue();
        Resp conflict = api.post(path(done) + "/pause");
        Shapes.error(conflict, 409, "conflict");
        fits(conflict, SCHEDULES + "/{id}/pause", "post", 409);
        Shapes.error(api.post(path(done) + "/resume"), 409, "conflict");
        assertThat(Shapes.ids(list("?status=completed&limit=100").data())).contains(done.get("id").asText());
    }

    @Test
    void runCreatesATaskAndRunsListsItWithoutASlot() {
        ObjectNode b = schedule("run-schedule", "0 0 1 1 *", "echo manual");
        b.put("paused", true);
        JsonNode s = create(b);
        Resp r = api.post(path(s) + "/run");
        fits(r, SCHEDULES + "/{id}/run", "post", 201);
        JsonNode t = Shapes.ok(r, 201);
        Shapes.task(t);
        assertThat(t.get("name").asText()).isEqualTo("run-schedule");
        assertThat(t.get("command").asText()).isEqualTo("echo manual");
        assertThat(t.get("origin")).isEqualTo(JSON.createObjectNode().put("kind", "schedule")
                .put("id", s.get("id").asText()));
        Shapes.ok(api.get(SCHEDULES + "/" + t.get("origin").get("id").asText()), 200); // it leads to the schedule
        JsonNode done = api.awaitStatus(t.get("id").asText(), "completed");
        assertThat(done.get("result").asText()).isEqualTo("manual");

        Resp runs = api.get(path(s) + "/runs");
        fits(runs, SCHEDULES + "/{id}/runs", "get", 200);
        assertThat(Shapes.ids(runs.data())).containsExactly(t.get("id").asText());
        Shapes.pageMeta(runs, 1, 20, 1);
        JsonNode run = runs.data().get(0);
        Shapes.task(run);
        assertThat(run.get("slot_at").isNull()).isTrue();
        assertThat(run.get("skipped").asBoolean()).isFalse();
        assertThat(run.get("status").asText()).isEqualTo("completed");
        JsonNode after = get(s);
        assertThat(after.get("last_task_id")).isEqualTo(t.get("id"));
        assertThat(after.get("status").asText()).isEqualTo("paused");
        for (String q : List.of("limit=0", "page=abc")) Shapes.badParam(api.get(path(s) + "/runs?" + q), q.substring(0, q.indexOf('=')));
    }

    @Test
    void firedRunsCarryTheirSlotAndOverlappingSlotsAreSkipped() {
        // Each run takes longer than the period: with overlap forbid, slots meanwhile are skipped.
        JsonNode s = create(schedule("fires-and-skips", "@every 1s", "sleep 2"));
        Resp runs = ApiServer.eventually(() -> api.get(path(s) + "/runs?limit=100"), x -> {
            List<JsonNode> items = new ArrayList<>();
            x.data().forEach(items::add);
            return items.stream().anyMatch(n -> n.get("skipped").asBoolean())
                    && items.stream().anyMatch(n -> !n.get("skipped").asBoolean());
        });
        Shapes.ok(api.post(path(s) + "/pause"), 200);
        fits(runs, SCHEDULES + "/{id}/runs", "get", 200);
        Instant previous = null;
        for (JsonNode run : runs.data()) {
            Shapes.task(run);
            Shapes.time(run.get("slot_at"), "slot_at of a fired run");
            assertThat(run.get("origin").get("kind").asText()).isEqualTo("schedule");
            if (run.get("skipped").asBoolean()) {
                assertThat(run.get("status").asText()).isEqualTo("cancelled");
                assertThat(run.get("error").asText()).containsIgnoringCase("skipped");
            }
            // Newest first.
            Instant slot = instant(run.get("slot_at"));
            if (previous != null) assertThat(slot).isBefore(previous);
            previous = slot;
        }
        JsonNode after = get(s);
        Shapes.time(after.get("last_slot_at"), "last_slot_at");
        assertThat(after.get("last_task_id").isTextual()).isTrue();
    }

    // ---- validate -----------------------------------------------------------------------------

    static Resp validate(String body) {
        return api.post(SCHEDULES + "/validate", body);
    }

    static List<Instant> nextRuns(Resp r) {
        fits(r, SCHEDULES + "/validate", "post", 200);
        JsonNode d = Shapes.ok(r, 200);
        assertThat(d.get("valid").asBoolean()).isTrue();
        List<Instant> out = new ArrayList<>();
        for (String t : Shapes.strings(d.get("next_runs"), "next_runs")) out.add(Instant.parse(t));
        return out;
    }

    /**
     * {@code 30 2 * * *} in Berlin, computed independently: 02:30 local on each day; on the day
     * the clock springs forward (02:30 does not exist) the first instant after the gap; on the day
     * it falls back, the first of the two 02:30s.
     */
    static List<Instant> berlinAt0230(Instant after, int n) {
        ZoneRules rules = BERLIN.getRules();
        List<Instant> out = new ArrayList<>();
        for (LocalDate d = after.atZone(BERLIN).toLocalDate().minusDays(1); out.size() < n; d = d.plusDays(1)) {
            LocalDateTime local = d.atTime(2, 30);
            List<ZoneOffset> offsets = rules.getValidOffsets(local);
            Instant t = offsets.isEmpty() ? rules.getTransition(local).getInstant() : local.toInstant(offsets.get(0));
            if (t.isAfter(after)) out.add(t);
        }
        return out;
    }

    @Test
    void validateGivesTheNextFiveFireTimesInTheZone() {
        Instant before = Instant.now();
        Resp r = validate("{\"cron\": \"30 2 * * *\", \"timezone\": \"Europe/Berlin\"}");
        Instant after = Instant.now();
        List<Instant> next = nextRuns(r);
        assertThat(next).hasSize(5).isSorted();
        assertThat(next).isIn(berlinAt0230(before, 5), berlinAt0230(after, 5));
        for (Instant t : next) {
            String utc = t.atZone(ZoneOffset.UTC).toLocalTime().toString();
            assertThat(utc).as("%s", t).isIn("01:30", "00:30", "01:00");
        }
        assertThat(r.data().get("cron").asText()).isEqualTo("30 2 * * *");
        assertThat(r.data().get("timezone").asText()).isEqualTo("Europe/Berlin");

        // Fixed years make the answer independent of today.
        assertThat(nextRuns(validate("{\"cron\": \"0 30 2 * * * 2190\", \"timezone\": \"Europe/Berlin\"}"))).containsExactly(
                Instant.parse("2190-01-01T01:30:00Z"), Instant.parse("2190-01-02T01:30:00Z"), Instant.parse("2190-01-03T01:30:00Z"),
                Instant.parse("2190-01-04T01:30:00Z"), Instant.parse("2190-01-05T01:30:00Z"));
        // Spring forward on Sunday 2190-03-28: 02:30 does not exist, it fires at 03:00 CEST.
        assertThat(nextRuns(validate("{\"cron\": \"0 30 2 25-31 3 * 2190\", \"timezone\": \"Europe/Berlin\"}"))).containsExactly(
                Instant.parse("2190-03-25T01:30:00Z"), Instant.parse("2190-03-26T01:30:00Z"), Instant.parse("2190-03-27T01:30:00Z"),
                Instant.parse("2190-03-28T01:00:00Z"), Instant.parse("2190-03-29T00:30:00Z"));
        // Fall back on Sunday 2190-10-31: 02:30 happens twice and fires once; then the year is over.
        assertThat(nextRuns(validate("{\"cron\": \"0 30 2 28-31 10 * 2190\", \"timezone\": \"Europe/Berlin\"}"))).containsExactly(
                Instant.parse("2190-10-28T00:30:00Z"), Instant.parse("2190-10-29T00:30:00Z"), Instant.parse("2190-10-30T00:30:00Z"),
                Instant.parse("2190-10-31T00:30:00Z"));
        // Without a zone, the server's (UTC here).
        Resp utc = validate("{\"cron\": \"0 0 12 1 1 * 2190\"}");
        assertThat(nextRuns(utc)).containsExactly(Instant.parse("2190-01-01T12:00:00Z"));
        assertThat(utc.data().get("timezone").asText()).isEqualTo("Z");
        // Descriptors and @every.
        assertThat(nextRuns(validate("{\"cron\": \"@every 1h\"}"))).hasSize(5)
                .satisfies(l -> assertThat(Duration.between(l.get(0), l.get(4))).isEqualTo(Duration.ofHours(4)));
    }

    @Test
    void validatePreviewsFromAGivenInstantAroundDaylightSavingChanges() {
        // London springs forward on 2027-03-28: a wildcard-hour job skips the missing 01:07 GMT.
        Resp r = validate("{\"cron\": \"7 * 28 3 *\", \"timezone\": \"Europe/London\","
                + " \"from\": \"2027-03-27T23:59:00Z\", \"count\": 3}");
        assertThat(nextRuns(r)).containsExactly(Instant.parse("2027-03-28T00:07:00Z"),
                Instant.parse("2027-03-28T01:07:00Z"), Instant.parse("2027-03-28T02:07:00Z"));
        assertThat(r.data().get("from").asText()).isEqualTo("2027-03-27T23:59:00Z");
        // Any RFC 3339 offset; the answer is the same instant's. Fire times are strictly after it.
        assertThat(nextRuns(validate("{\"cron\": \"7 * 28 3 *\", \"timezone\": \"Europe/London\","
                + " \"from\": \"2027-03-28T01:07:00+01:00\", \"count\": 2}")))
                .containsExactly(Instant.parse("2027-03-28T01:07:00Z"), Instant.parse("2027-03-28T02:07:00Z"));
        // Athens falls back on 2027-10-31: a wildcard-minute job runs in both 03:00 hours; count defaults to 5.
        assertThat(nextRuns(validate("{\"cron\": \"*/30 3 31 10 *\", \"timezone\": \"Europe/Athens\","
                + " \"from\": \"2027-10-30T12:00:00Z\"}"))).containsExactly(
                Instant.parse("2027-10-31T00:00:00Z"), Instant.parse("2027-10-31T00:30:00Z"),
                Instant.parse("2027-10-31T01:00:00Z"), Instant.parse("2027-10-31T01:30:00Z"),
                Instant.parse("2028-10-31T01:00:00Z"));
        // Up to 100 at once.
        List<Instant> hundred = nextRuns(validate("{\"cron\": \"* * * * *\", \"from\": \"2030-01-01T00:00:00Z\","
                + " \"count\": 100}"));
        assertThat(hundred).hasSize(100).startsWith(Instant.parse("2030-01-01T00:01:00Z"))
                .endsWith(Instant.parse("2030-01-01T01:40:00Z"));
        // A count without from counts from now.
        assertThat(nextRuns(validate("{\"cron\": \"@hourly\", \"count\": 1}"))).hasSize(1);
    }

    @Test
    void validateRejectsABadFromOrCountNamingTheField() {
        record Bad(String extra, String field, String says) {
        }
        for (Bad b : List.of(new Bad("\"from\": \"yesterday\"", "from", "ISO 8601"),
                new Bad("\"from\": \"2027-03-28T01:00:00\"", "from", "time zone"),
                new Bad("\"from\": 1800000000", "from", "string"),
                new Bad("\"from\": \"+10000-01-01T00:00:00Z\"", "from", "between"),
                new Bad("\"count\": 0", "count", "between 1 and 100"),
                new Bad("\"count\": 101", "count", "between 1 and 100"),
                new Bad("\"count\": \"5\"", "count", "integer"),
                new Bad("\"count\": 2.5", "count", "integer"))) {
            Resp r = validate("{\"cron\": \"0 0 * * *\", " + b.extra() + "}");
            JsonNode d = Shapes.validation(r, b.field());
            assertThat(d.get(b.field()).asText()).as("%s", r).containsIgnoringCase(b.says());
            fits(r, SCHEDULES + "/validate", "post", 422);
        }
        // Every bad field at once (the expression itself is checked once the fields are sound).
        Shapes.validation(validate("{\"cron\": \"61 * * * *\", \"from\": \"no\", \"count\": -1}"), "from", "count");
    }

    @Test
    void validateAnswers422WithAClearMessage() {
        record Bad(String body, String field, String says) {
        }
        for (Bad b : List.of(new Bad("{\"cron\": \"61 * * * *\"}", "cron", "61"),
                new Bad("{\"cron\": \"* * *\"}", "cron", "fields"),
                new Bad("{\"cron\": \"@every 0s\"}", "cron", "0s"),
                new Bad("{\"cron\": \"@nonsense\"}", "cron", "@nonsense"),
                new Bad("{\"cron\": \"0 0 30 2 *\"}", "cron", "never"),
                new Bad("{\"cron\": \"\"}", "cron", "empty"),
                new Bad("{}", "cron", "required"),
                new Bad("{\"cron\": 5}", "cron", "string"),
                new Bad("{\"cron\": \"0 0 * * *\", \"timezone\": \"Mars/Olympus\"}", "timezone", "Mars/Olympus"))) {
            Resp r = validate(b.body());
            JsonNode d = Shapes.validation(r, b.field());
            assertThat(d.get(b.field()).asText()).as("%s", r).containsIgnoringCase(b.says());
            fits(r, SCHEDULES + "/validate", "post", 422);
        }
        Shapes.error(validate("{nope"), 400, "bad_request");
        Shapes.error(validate("[]"), 400, "bad_request");
    }
}
