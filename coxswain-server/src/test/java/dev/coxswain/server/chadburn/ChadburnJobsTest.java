package dev.coxswain.server.chadburn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.server.chadburn.ChadburnServer.Resp;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.chadburn.ChadburnServer.JOBS;
import static dev.coxswain.server.chadburn.ChadburnServer.JSON;
import static dev.coxswain.server.chadburn.ChadburnServer.error;
import static dev.coxswain.server.chadburn.ChadburnServer.job;
import static dev.coxswain.server.chadburn.ChadburnServer.ok;
import static dev.coxswain.server.chadburn.ChadburnServer.time;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chadburn's Jobs API ({@code seeds/chadburn-jobs-api.md}) over HTTP: every endpoint's documented
 * request and response shapes, the defaults, partial PUT, masking, the error format and codes,
 * authentication, scopes and the rate limit. What needs runs to finish is in
 * {@link ChadburnExecutionsTest}. Every test uses its own job names and tags, so one server
 * serves the class.
 */
class ChadburnJobsTest {
    /** A secret environment value: the ledger proves it never appears in any response or log. */
    static final String PG_SECRET = "pg-secret-chadburn-must-not-leak-7";

    @TempDir
    static Path dir;
    @TempDir
    static Path workDir;
    static ChadburnServer api;

    @BeforeAll
    static void start() {
        api = ChadburnServer.start(dir);
        SecretLedger.secret(PG_SECRET);
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
    }

    /** The first fire time strictly after {@code after} of a daily schedule at {@code at} in {@code zone}. */
    static Instant nextDaily(Instant after, LocalTime at, ZoneId zone) {
        ZonedDateTime c = after.atZone(zone).toLocalDate().atTime(at).atZone(zone);
        if (!c.toInstant().isAfter(after)) c = c.plusDays(1);
        return c.toInstant();
    }

    static ObjectNode fullJob(String name) {
        ObjectNode b = job(name, "0 0 * * *", "pg_dump -U postgres mydb > /backups/mydb.sql");
        b.putArray("tags").add("backup").add("database");
        b.put("timeout", 3600).put("retries", 3).put("retry_delay", 300);
        b.putObject("environment").put("PGPASSWORD", PG_SECRET);
        b.put("working_directory", workDir.toString());
        return b;
    }

    /** Every field of a job object as documented, with its type; the environment shows names only. */
    static void jobShape(JsonNode j) {
        assertThat(j.get("id").asText()).matches("job-\\d+");
        for (String f : List.of("name", "schedule", "command", "status")) {
            assertThat(j.path(f).isTextual()).as("%s in %s", f, j).isTrue();
        }
        assertThat(j.get("status").asText()).isIn("active", "paused", "completed");
        assertThat(j.get("tags").isArray()).as("tags in %s", j).isTrue();
        for (String f : List.of("timeout", "retries", "retry_delay")) {
            assertThat(j.path(f).isIntegralNumber()).as("%s in %s", f, j).isTrue();
        }
        assertThat(j.get("environment").isObject()).as("environment in %s", j).isTrue();
        j.get("environment").forEach(v -> assertThat(v.asText()).as("environment value in %s", j).isEqualTo("******"));
        assertThat(j.has("working_directory")).as("working_directory in %s", j).isTrue();
        time(j.get("created_at"), "created_at");
        time(j.get("updated_at"), "updated_at");
        assertThat(j.has("next_run")).as("next_run in %s", j).isTrue();
        if (!j.get("next_run").isNull()) time(j.get("next_run"), "next_run");
        if (!j.get("status").asText().equals("active")) {
            assertThat(j.get("next_run").isNull()).as("next_run of a %s job: %s", j.get("status"), j).isTrue();
        }
    }

    static String path(JsonNode job) {
        return JOBS + "/" + job.get("id").asText();
    }

    static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.get("id").asText());
        return out;
    }

    /** The names of all jobs (the class creates fewer than 1000). */
    static List<String> allNames() {
        JsonNode all = listed("?limit=1000");
        assertThat(all.get("pagination").get("total").asInt()).isLessThan(1000);
        return all.get("data").findValuesAsText("name");
    }

    static JsonNode listed(String query) {
        Resp r = api.get(JOBS + query);
        api.fits(r, JOBS, "get", 200);
        return r.json();
    }

    // ---- create -------------------------------------------------------------------------------

    @Test
    void createWithOnlyTheRequiredFieldsAppliesTheDocumentedDefaults() {
        Resp r = api.post(JOBS, job("defaults", "0 0 * * *", "echo hi"));
        JsonNode j = ok(r, 201);
        api.fits(r, JOBS, "post", 201);
        jobShape(j);
        assertThat(j.get("name").asText()).isEqualTo("defaults");
        assertThat(j.get("schedule").asText()).isEqualTo("0 0 * * *");
        assertThat(j.get("command").asText()).isEqualTo("echo hi");
        assertThat(j.get("status").asText()).isEqualTo("active");
        assertThat(j.get("tags")).isEmpty();
        assertThat(j.get("timeout").asInt()).isEqualTo(3600);
        assertThat(j.get("retries").asInt()).isZero();
        assertThat(j.get("retry_delay").asInt()).isEqualTo(60);
        assertThat(j.get("environment")).isEmpty();
        assertThat(j.get("working_directory").isNull()).isTrue();
        assertThat(j.get("created_at")).isEqualTo(j.get("updated_at"));
        // Daily at midnight in the server's zone (UTC here): the next midnight after creation.
        Instant created = Instant.parse(j.get("created_at").asText());
        assertThat(Instant.parse(j.get("next_run").asText())).isEqualTo(nextDaily(created, LocalTime.MIDNIGHT, ZoneOffset.UTC));
    }

    @Test
    void createWithEveryDocumentedFieldEchoesThemAndMasksTheEnvironment() {
        Resp r = api.post(JOBS, fullJob("backup-database"));
        JsonNode j = ok(r, 201);
        api.fits(r, JOBS, "post", 201);
        jobShape(j);
        assertThat(j.get("name").asText()).isEqualTo("backup-database");
        assertThat(j.get("command").asText()).isEqualTo("pg_dump -U postgres mydb > /backups/mydb.sql");
        assertThat(j.get("tags")).containsExactly(JSON.getNodeFactory().textNode("backup"), JSON.getNodeFactory().textNode("database"));
        assertThat(j.get("timeout").asInt()).isEqualTo(3600);
        assertThat(j.get("retries").asInt()).isEqualTo(3);
        assertThat(j.get("retry_delay").asInt()).isEqualTo(300);
        assertThat(j.get("environment")).isEqualTo(JSON.createObjectNode().put("PGPASSWORD", "******"));
        assertThat(j.get("working_directory").asText()).isEqualTo(workDir.toString());
        assertThat(j.get("next_run").isNull()).isFalse();
        assertThat(r.body()).doesNotContain(PG_SECRET);
    }

    @Test
    void theEnvironmentIsMaskedInEveryResponse() {
        ObjectNode b = fullJob("masked-everywhere");
        b.putArray("tags").add("masked-everywhere");
        ((ObjectNode) b.get("environment")).put("API_TOKEN", "tok-" + PG_SECRET);
        JsonNode j = api.create(b);
        ObjectNode masked = JSON.createObjectNode().put("PGPASSWORD", "******").put("API_TOKEN", "******");
        assertThat(j.get("environment")).isEqualTo(masked);

        Resp get = api.get(path(j));
        assertThat(ok(get, 200).get("environment")).isEqualTo(masked);
        Resp list = api.get(JOBS + "?tag=masked-everywhere");
        assertThat(ok(list, 200).get(0).get("environment")).isEqualTo(masked);
        // A PUT that sends the masks back keeps both values; one that adds a name shows it masked too.
        ObjectNode put = JSON.createObjectNode();
        put.putObject("environment").put("PGPASSWORD", "******").put("API_TOKEN", "******").put("EXTRA", "x");
        Resp updated = api.put(path(j), put);
        assertThat(ok(updated, 200).get("environment")).isEqualTo(masked.deepCopy().put("EXTRA", "******"));
        Resp native_ = api.get("/api/schedules/sch-" + ChadburnServer.number(j.get("id").asText()));
        assertThat(native_.status()).as("%s", native_).isEqualTo(200);
        assertThat(native_.data().at("/payload/env")).isEqualTo(masked.deepCopy().put("EXTRA", "******"));
        for (Resp r : List.of(get, list, updated, native_)) assertThat(r.body()).as("%s", r).doesNotContain(PG_SECRET);
    }

    @Test
    void aMaskedValueForANameWithNoStoredValueIsRefused() {
        JsonNode j = api.create(job("mask-unknown", "0 0 * * *", "true"));
        ObjectNode put = JSON.createObjectNode();
        put.putObject("environment").put("NEVER_SET", "******");
        error(api.put(path(j), put), 400, "validation_error");
    }

    @Test
    void createPausedHasNoNextRunAndAFinishedScheduleIsCompleted() {
        ObjectNode b = job("born-paused", "0 0 * * *", "true");
        b.put("status", "paused");
        JsonNode p = api.create(b);
        assertThat(p.get("status").asText()).isEqualTo("paused");
        assertThat(p.get("next_run").isNull()).isTrue();

        // 7 fields, the year in the past: valid, but it will never fire again.
        JsonNode c = api.create(job("finished", "0 0 0 1 1 * 2001", "true"));
        assertThat(c.get("status").asText()).isEqualTo("completed");
        assertThat(c.get("next_run").isNull()).isTrue();
        Resp pause = api.post(path(c) + "/pause");
        error(pause, 409, "conflict");
        api.fits(pause, JOBS + "/{id}/pause", "post", 409);
        error(api.post(path(c) + "/resume"), 409, "conflict");
        assertThat(ids(listed("?status=completed").get("data"))).contains(c.get("id").asText());
    }

    @Test
    void theScheduleFormsTheEngineAcceptsAreAccepted() {
        int i = 0;
        for (String s : List.of("*/5 * * * *", "0 0 1 * * *", "0 0 * * 0", "@hourly", "@daily", "@midnight", "@weekly",
                "@monthly", "@yearly", "@annually", "@every 1h30m", "CRON_TZ=Europe/Berlin 30 2 * * *", "0 9 * * MON-FRI")) {
            Resp r = api.post(JOBS, job("forms-" + i++, s, "true"));
            JsonNode j = ok(r, 201);
            assertThat(j.get("schedule").asText()).isEqualTo(s);
            assertThat(j.get("status").asText()).as(s).isEqualTo("active");
            time(j.get("next_run"), s);
        }
    }

    // ---- list ---------------------------------------------------------------------------------

    @Test
    void listHasDataAndPaginationWithTheDocumentedDefaults() {
        api.create(job("list-default", "0 0 * * *", "true"));
        JsonNode all = listed("");
        assertThat(all.size()).as("only data and pagination: %s", all).isEqualTo(2);
        JsonNode p = all.get("pagination");
        assertThat(p.get("limit").asInt()).isEqualTo(100);
        assertThat(p.get("offset").asInt()).isZero();
        assertThat(p.get("total").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(all.get("data").size()).isEqualTo((int) Math.min(100, p.get("total").asLong()));
        all.get("data").forEach(ChadburnJobsTest::jobShape);
    }

    @Test
    void listPagesWithLimitAndOffsetAndFiltersByTagAndStatus() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ObjectNode b = job("paged-" + i, "0 0 * * *", "true");
            b.putArray("tags").add("paged").add(i == 0 ? "first" : "rest");
            if (i == 2) b.put("status", "paused");
            created.add(api.create(b).get("id").asText());
        }
        JsonNode all = listed("?tag=paged");
        assertThat(ids(all.get("data"))).containsExactlyInAnyOrderElementsOf(created);
        assertThat(all.get("pagination")).isEqualTo(JSON.createObjectNode().put("total", 3).put("limit", 100).put("offset", 0));

        JsonNode first = listed("?tag=paged&limit=2");
        assertThat(first.get("data")).hasSize(2);
        assertThat(first.get("pagination")).isEqualTo(JSON.createObjectNode().put("total", 3).put("limit", 2).put("offset", 0));
        JsonNode second = listed("?tag=paged&limit=2&offset=2");
        assertThat(second.get("data")).hasSize(1);
        assertThat(second.get("pagination")).isEqualTo(JSON.createObjectNode().put("total", 3).put("limit", 2).put("offset", 2));
        List<String> pages = new ArrayList<>(ids(first.get("data")));
        pages.addAll(ids(second.get("data")));
        assertThat(pages).containsExactlyInAnyOrderElementsOf(created);
        JsonNode beyond = listed("?tag=paged&offset=10");
        assertThat(beyond.get("data")).isEmpty();
        assertThat(beyond.get("pagination").get("total").asInt()).isEqualTo(3);

        assertThat(ids(listed("?tag=first").get("data"))).containsExactly(created.get(0));
        assertThat(ids(listed("?tag=paged&status=paused").get("data"))).containsExactly(created.get(2));
        assertThat(ids(listed("?tag=paged&status=active").get("data"))).containsExactlyInAnyOrder(created.get(0), created.get(1));
        assertThat(listed("?tag=paged&status=completed").get("data")).isEmpty();
        assertThat(listed("?tag=no-such-tag").get("pagination").get("total").asInt()).isZero();
        // A tag is matched exactly, not as a prefix or pattern.
        assertThat(listed("?tag=page").get("data")).isEmpty();
        assertThat(listed("?tag=pag%25").get("data")).isEmpty();
    }

    @Test
    void nativeSchedulesAreNotListedAsJobs() {
        ObjectNode s = JSON.createObjectNode().put("name", "native-only").put("cron", "0 0 * * *");
        s.putObject("payload").put("command", "true");
        s.putArray("tags").add("native-only");
        Resp created = api.post("/api/schedules", s);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(listed("?tag=native-only").get("data")).isEmpty();
    }

    // ---- get ----------------------------------------------------------------------------------

    @Test
    void getShowsTheJobWithLastRunAndNextRun() {
        JsonNode j = api.create(fullJob("get-me"));
        Resp r = api.get(path(j));
        JsonNode g = ok(r, 200);
        api.fits(r, JOBS + "/{id}", "get", 200);
        jobShape(g);
        assertThat(g.has("last_run")).isTrue();
        assertThat(g.get("last_run").isNull()).as("never ran: %s", g).isTrue();
        assertThat(g.get("next_run")).isEqualTo(j.get("next_run"));
        for (String f : List.of("id", "name", "schedule", "command", "status", "tags", "timeout", "retries", "retry_delay",
                "environment", "working_directory", "created_at", "updated_at")) {
            assertThat(g.get(f)).as(f).isEqualTo(j.get(f));
        }
    }

    // ---- update -------------------------------------------------------------------------------

    @Test
    void putWithTheDocumentsSubsetKeepsTheOtherFieldsAndPausing() {
        JsonNode j = api.create(fullJob("backup-put"));
        ObjectNode b = JSON.createObjectNode().put("name", "backup-database-daily").put("schedule", "0 0 * * *")
                .put("command", "pg_dump -U postgres mydb > /backups/mydb-$(date +%Y%m%d).sql").put("status", "paused")
                .put("timeout", 7200);
        b.putArray("tags").add("backup").add("database").add("daily");
        Resp r = api.put(path(j), b);
        JsonNode u = ok(r, 200);
        api.fits(r, JOBS + "/{id}", "put", 200);
        jobShape(u);
        assertThat(u.get("id")).isEqualTo(j.get("id"));
        assertThat(u.get("name").asText()).isEqualTo("backup-database-daily");
        assertThat(u.get("command").asText()).isEqualTo("pg_dump -U postgres mydb > /backups/mydb-$(date +%Y%m%d).sql");
        assertThat(u.get("status").asText()).isEqualTo("paused");
        assertThat(u.get("tags")).hasSize(3);
        assertThat(u.get("timeout").asInt()).isEqualTo(7200);
        // Not sent, so kept:
        assertThat(u.get("retries").asInt()).isEqualTo(3);
        assertThat(u.get("retry_delay").asInt()).isEqualTo(300);
        assertThat(u.get("environment")).isEqualTo(JSON.createObjectNode().put("PGPASSWORD", "******"));
        assertThat(u.get("working_directory").asText()).isEqualTo(workDir.toString());
        assertThat(u.get("created_at")).isEqualTo(j.get("created_at"));
        assertThat(Instant.parse(u.get("updated_at").asText())).isAfterOrEqualTo(Instant.parse(j.get("updated_at").asText()));
        assertThat(u.get("next_run").isNull()).as("paused: %s", u).isTrue();

        JsonNode g = ok(api.get(path(j)), 200);
        assertThat(g.get("status").asText()).isEqualTo("paused");
        assertThat(g.get("next_run").isNull()).isTrue();
        assertThat(g.get("retries").asInt()).isEqualTo(3);

        // Back to active through PUT: the next run is there again.
        JsonNode a = ok(api.put(path(j), "{\"status\": \"active\"}"), 200);
        assertThat(a.get("status").asText()).isEqualTo("active");
        assertThat(Instant.parse(a.get("next_run").asText()))
                .isEqualTo(nextDaily(Instant.parse(a.get("updated_at").asText()), LocalTime.MIDNIGHT, ZoneOffset.UTC));
    }

    @Test
    void putOfTheScheduleMovesTheNextRunAndAnEmptyPutChangesNothing() {
        JsonNode j = api.create(job("move-me", "0 0 * * *", "true"));
        JsonNode u = ok(api.put(path(j), "{\"schedule\": \"0 12 * * *\"}"), 200);
        assertThat(u.get("schedule").asText()).isEqualTo("0 12 * * *");
        assertThat(Instant.parse(u.get("next_run").asText()))
                .isEqualTo(nextDaily(Instant.parse(u.get("updated_at").asText()), LocalTime.NOON, ZoneOffset.UTC));
        JsonNode same = ok(api.put(path(j), "{}"), 200);
        for (String f : List.of("name", "schedule", "command", "status", "tags", "timeout", "retries", "retry_delay",
                "environment", "working_directory", "next_run")) {
            assertThat(same.get(f)).as(f).isEqualTo(u.get(f));
        }
    }

    @Test
    void putRenamingToATakenNameIsAConflictAndChangesNothing() {
        api.create(job("taken-name", "0 0 * * *", "true"));
        JsonNode j = api.create(job("free-name", "0 0 * * *", "true"));
        Resp r = api.put(path(j), "{\"name\": \"taken-name\", \"command\": \"echo changed\"}");
        error(r, 409, "conflict");
        api.fits(r, JOBS + "/{id}", "put", 409);
        JsonNode g = ok(api.get(path(j)), 200);
        assertThat(g.get("name").asText()).isEqualTo("free-name");
        assertThat(g.get("command").asText()).isEqualTo("true");
    }

    @Test
    void putWithInvalidValuesIsRefusedAndChangesNothing() {
        JsonNode j = api.create(job("put-invalid", "0 0 * * *", "true"));
        error(api.put(path(j), "{\"schedule\": \"61 * * * *\"}"), 400, "invalid_schedule");
        error(api.put(path(j), "{\"schedule\": \"\"}"), 400, "invalid_schedule");
        error(api.put(path(j), "{\"timeout\": \"10\"}"), 400, "validation_error");
        error(api.put(path(j), "{\"status\": \"completed\"}"), 400, "validation_error");
        error(api.put(path(j), "{\"status\": \"sleeping\"}"), 400, "validation_error");
        error(api.put(path(j), "{\"name\": \"\"}"), 400, "validation_error");
        error(api.put(path(j), "{\"command\": \" \"}"), 400, "validation_error");
        error(api.put(path(j), "{\"working_directory\": \"/no/such/dir/chadburn\"}"), 400, "validation_error");
        error(api.put(path(j), "{\"retries\": -1}"), 400, "validation_error");
        error(api.put(path(j), "{not json"), 400, "validation_error");
        error(api.put(path(j), "[]"), 400, "validation_error");
        JsonNode g = ok(api.get(path(j)), 200);
        assertThat(g.get("schedule").asText()).isEqualTo("0 0 * * *");
        assertThat(g.get("timeout").asInt()).isEqualTo(3600);
        assertThat(g.get("status").asText()).isEqualTo("active");
        assertThat(g.get("working_directory").isNull()).isTrue();
    }

    // ---- delete -------------------------------------------------------------------------------

    @Test
    void deleteAnswersTheDocumentedMessageAndTheJobIsGone() {
        JsonNode j = api.create(job("delete-me", "0 0 * * *", "true"));
        Resp r = api.delete(path(j));
        JsonNode d = ok(r, 200);
        api.fits(r, JOBS + "/{id}", "delete", 200);
        assertThat(r.json().size()).as("only data: %s", r).isEqualTo(1);
        assertThat(d).isEqualTo(JSON.createObjectNode().put("message", "Job deleted successfully"));
        error(api.get(path(j)), 404, "not_found");
        error(api.delete(path(j)), 404, "not_found");
        error(api.get(path(j) + "/executions"), 404, "not_found");
        // The name is free again.
        api.create(job("delete-me", "0 0 * * *", "true"));
    }

    // ---- pause / resume -----------------------------------------------------------------------

    @Test
    void pauseAndResumeAnswerTheDocumentedShapes() {
        JsonNode j = api.create(job("pause-resume", "0 0 * * *", "true"));
        String id = j.get("id").asText();
        Resp p = api.post(path(j) + "/pause");
        api.fits(p, JOBS + "/{id}/pause", "post", 200);
        assertThat(ok(p, 200)).isEqualTo(JSON.createObjectNode().put("message", "Job paused successfully").put("id", id)
                .put("status", "paused"));
        JsonNode g = ok(api.get(path(j)), 200);
        assertThat(g.get("status").asText()).isEqualTo("paused");
        assertThat(g.get("next_run").isNull()).isTrue();
        // Pausing a paused job is harmless.
        assertThat(ok(api.post(path(j) + "/pause"), 200).get("status").asText()).isEqualTo("paused");

        Resp r = api.post(path(j) + "/resume");
        api.fits(r, JOBS + "/{id}/resume", "post", 200);
        JsonNode d = ok(r, 200);
        assertThat(d.size()).as("%s", d).isEqualTo(4);
        assertThat(d.get("message").asText()).isEqualTo("Job resumed successfully");
        assertThat(d.get("id").asText()).isEqualTo(id);
        assertThat(d.get("status").asText()).isEqualTo("active");
        time(d.get("next_run"), "next_run");
        JsonNode after = ok(api.get(path(j)), 200);
        assertThat(after.get("status").asText()).isEqualTo("active");
        assertThat(after.get("next_run")).isEqualTo(d.get("next_run"));
        assertThat(Instant.parse(d.get("next_run").asText()))
                .isEqualTo(nextDaily(Instant.parse(after.get("updated_at").asText()), LocalTime.MIDNIGHT, ZoneOffset.UTC));
        assertThat(ok(api.post(path(j) + "/resume"), 200).get("next_run")).isEqualTo(d.get("next_run"));
    }

    // ---- errors -------------------------------------------------------------------------------

    @Test
    void invalidSchedulesAre400InvalidSchedule() {
        int i = 0;
        for (String s : List.of("* * * * * * * *", "99 * * * * *", "a b c d e f", "61 * * * *", "* 24 * * *", "* * 32 * *",
                "* * * 13 *", "* * * * 8", "* * *", "0 0 30 2 *", "@every 0s", "@every 500ms", "@every", "@every 1x",
                "@nonsense", "@daily 5", "", "   ", "CRON_TZ=Mars/Olympus 0 0 * * *")) {
            Resp r = api.post(JOBS, job("bad-schedule-" + i++, s, "true"));
            String message = error(r, 400, "invalid_schedule");
            api.fits(r, JOBS, "post", 400);
            assertThat(message).as("message for '%s'", s).isNotBlank();
        }
        assertThat(allNames()).noneMatch(n -> n.startsWith("bad-schedule-"));
    }

    @Test
    void unknownIdsAre404NotFoundOnEveryEndpoint() {
        ObjectNode s = JSON.createObjectNode().put("name", "native-id").put("cron", "0 0 * * *");
        s.putObject("payload").put("command", "true");
        Resp created = api.post("/api/schedules", s);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String nativeNumber = Long.toString(ChadburnServer.number(created.data().get("id").asText()));
        for (String id : List.of("job-999999", "job-abc", "job-", "job-0", "job--1", "job-99999999999999999999", "123",
                "exec-1", "job-" + nativeNumber, "sch-" + nativeNumber)) {
            String p = JOBS + "/" + id;
            for (Resp r : List.of(api.get(p), api.put(p, "{\"command\": \"true\"}"), api.delete(p), api.post(p + "/run"),
                    api.post(p + "/pause"), api.post(p + "/resume"), api.get(p + "/executions"))) {
                error(r, 404, "not_found");
            }
        }
        api.fits(api.get(JOBS + "/job-999999"), JOBS + "/{id}", "get", 404);
        // The native schedule is untouched by all that.
        Resp still = api.get("/api/schedules/" + created.data().get("id").asText());
        assertThat(still.status()).isEqualTo(200);
        assertThat(still.data().get("status").asText()).isEqualTo("active");
        // Unknown paths under /api/v1 answer in Chadburn's format too.
        error(api.get("/api/v1/nothing-here"), 404, "not_found");
    }

    @Test
    void aDuplicateNameIs409Conflict() {
        api.create(job("unique-name", "0 0 * * *", "true"));
        Resp r = api.post(JOBS, job("unique-name", "@hourly", "echo other"));
        error(r, 409, "conflict");
        api.fits(r, JOBS, "post", 409);
        assertThat(allNames().stream().filter("unique-name"::equals)).hasSize(1);
    }

    @Test
    void missingRequiredFieldsAre400ValidationErrorNamingTheField() {
        for (String missing : List.of("name", "schedule", "command")) {
            ObjectNode b = job("missing-" + missing, "0 0 * * *", "true");
            b.remove(missing);
            Resp r = api.post(JOBS, b);
            assertThat(error(r, 400, "validation_error")).as("message for missing %s", missing).contains(missing);
            api.fits(r, JOBS, "post", 400);
            ObjectNode nul = job("null-" + missing, "0 0 * * *", "true");
            nul.putNull(missing);
            assertThat(error(api.post(JOBS, nul), 400, "validation_error")).contains(missing);
        }
        error(api.post(JOBS, "{\"name\": \"\", \"schedule\": \"0 0 * * *\", \"command\": \"true\"}"), 400, "validation_error");
        error(api.post(JOBS, "{\"name\": \"empty-command\", \"schedule\": \"0 0 * * *\", \"command\": \"\"}"), 400, "validation_error");
        error(api.post(JOBS, "{}"), 400, "validation_error");
    }

    @Test
    void wrongTypesAndValuesAre400ValidationError() {
        record Bad(String field, String json) {
        }
        for (Bad bad : List.of(new Bad("name", "5"), new Bad("schedule", "5"), new Bad("command", "[\"echo\"]"),
                new Bad("command", "true"), new Bad("tags", "\"backup\""), new Bad("tags", "[1]"), new Bad("tags", "[\"\"]"),
                new Bad("timeout", "\"10\""), new Bad("timeout", "1.5"), new Bad("timeout", "0"), new Bad("timeout", "604801"),
                new Bad("timeout", "99999999999"), new Bad("retries", "-1"), new Bad("retries", "\"3\""), new Bad("retries", "101"),
                new Bad("retry_delay", "-1"), new Bad("retry_delay", "{}"), new Bad("environment", "[]"),
                new Bad("environment", "\"A=1\""), new Bad("environment", "{\"A\": 1}"), new Bad("environment", "{\"1A\": \"x\"}"),
                new Bad("environment", "{\"A-B\": \"x\"}"), new Bad("working_directory", "5"),
                new Bad("working_directory", "\"/no/such/directory/for/chadburn\""), new Bad("status", "\"completed\""),
                new Bad("status", "\"running\""), new Bad("status", "1"), new Bad("timezone", "\"Mars/Olympus\""),
                new Bad("name", "\"" + "n".repeat(201) + "\""), new Bad("name", "\"nul\\u0000name\""),
                // PostgreSQL text cannot hold U+0000 (a run's tags are rows of text), and no process
                // environment can: refused up front, the same on both stores.
                new Bad("tags", "[\"nul\\u0000tag\"]"), new Bad("environment", "{\"A\": \"nul\\u0000value\"}"))) {
            ObjectNode b = job("typed-" + bad.field(), "0 0 * * *", "true");
            try {
                b.set(bad.field(), JSON.readTree(bad.json()));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            Resp r = api.post(JOBS, b);
            assertThat(r.status()).as("%s = %s: %s", bad.field(), bad.json(), r).isEqualTo(400);
            error(r, 400, "validation_error");
        }
        ObjectNode tooMany = job("too-many-tags", "0 0 * * *", "true");
        var tags = tooMany.putArray("tags");
        for (int i = 0; i < 51; i++) tags.add("t" + i);
        error(api.post(JOBS, tooMany), 400, "validation_error");
        assertThat(allNames()).noneMatch(n -> n.startsWith("typed-") || n.equals("too-many-tags"));
    }

    @Test
    void malformedBodiesAre400() {
        for (String body : List.of("{not json", "{\"name\": \"x\",}", "", "null", "[]", "\"job\"", "42",
                "{\"name\": \"a\", \"schedule\": \"0 0 * * *\", \"command\": \"true\"} trailing")) {
            Resp r = api.post(JOBS, body);
            error(r, 400, "validation_error");
        }
        api.fits(api.post(JOBS, "{not json"), JOBS, "post", 400);
    }

    @Test
    void badQueryParametersAre400() {
        JsonNode j = api.create(job("query-params", "0 0 * * *", "true"));
        for (String q : List.of("limit=0", "limit=-1", "limit=abc", "limit=1.5", "limit=99999999999", "offset=-1",
                "offset=abc", "status=weird", "status=ACTIVE")) {
            Resp r = api.get(JOBS + "?" + q);
            error(r, 400, "validation_error");
            api.fits(r, JOBS, "get", 400);
        }
        for (String q : List.of("limit=0", "limit=abc", "offset=-1", "status=weird", "status=active")) {
            Resp r = api.get(path(j) + "/executions?" + q);
            error(r, 400, "validation_error");
            api.fits(r, JOBS + "/{id}/executions", "get", 400);
        }
    }

    // ---- authentication, scopes, rate limit ---------------------------------------------------

    @Test
    void withoutCredentialsEveryEndpointIs401Unauthorized() {
        JsonNode j = api.create(job("auth-target", "0 0 * * *", "true"));
        String p = path(j);
        List<ChadburnServer.Call> calls = List.of(api.call("GET", JOBS), api.call("POST", JOBS).body(job("anon", "0 0 * * *", "true")),
                api.call("GET", p), api.call("PUT", p).body("{\"command\": \"echo anon\"}"), api.call("DELETE", p),
                api.call("POST", p + "/run"), api.call("POST", p + "/pause"), api.call("POST", p + "/resume"),
                api.call("GET", p + "/executions"));
        for (ChadburnServer.Call c : calls) {
            Resp r = c.anonymous().send();
            error(r, 401, "unauthorized");
        }
        api.fits(api.call("GET", JOBS).anonymous().send(), JOBS, "get", 401);
        error(api.call("GET", JOBS).key("cox_not_a_real_key_0123456789").send(), 401, "unauthorized");
        error(api.call("GET", JOBS).authorization("ApiKey cox_not_a_real_key_0123456789").send(), 401, "unauthorized");
        error(api.call("GET", JOBS).authorization("Bearer not.a.jwt").send(), 401, "unauthorized");
        error(api.call("GET", JOBS).authorization("Basic").send(), 401, "unauthorized");
        // Nothing changed.
        JsonNode g = ok(api.get(p), 200);
        assertThat(g.get("command").asText()).isEqualTo("true");
        assertThat(g.get("status").asText()).isEqualTo("active");
        assertThat(allNames()).doesNotContain("anon");
    }

    @Test
    void xApiKeyAndAuthorizationApiKeyAreBothAccepted() {
        String writer = api.key("both-headers", Set.of("jobs:write"), "pro");
        JsonNode a = ok(api.call("POST", JOBS).key(writer).body(job("via-x-api-key", "0 0 * * *", "true")).send(), 201);
        JsonNode b = ok(api.call("POST", JOBS).authorization("ApiKey " + writer).body(job("via-authorization", "0 0 * * *", "true"))
                .send(), 201);
        assertThat(ok(api.call("GET", path(a)).authorization("ApiKey " + writer).send(), 200).get("id")).isEqualTo(a.get("id"));
        assertThat(ok(api.call("GET", path(b)).key(writer).send(), 200).get("id")).isEqualTo(b.get("id"));
    }

    @Test
    void aReadOnlyKeyCanReadButNotChangeAnything() {
        String reader = api.key("reader", Set.of("tasks:read"), "pro");
        JsonNode j = api.create(job("read-only-target", "0 0 * * *", "true"));
        String p = path(j);
        assertThat(ok(api.call("GET", JOBS).key(reader).send(), 200).isArray()).isTrue();
        assertThat(ok(api.call("GET", p).key(reader).send(), 200).get("id")).isEqualTo(j.get("id"));
        assertThat(ok(api.call("GET", p + "/executions").key(reader).send(), 200).isArray()).isTrue();

        Resp create = api.call("POST", JOBS).key(reader).body(job("reader-made", "0 0 * * *", "true")).send();
        error(create, 403, "forbidden");
        api.fits(create, JOBS, "post", 403);
        error(api.call("PUT", p).key(reader).body("{\"command\": \"echo reader\"}").send(), 403, "forbidden");
        error(api.call("DELETE", p).key(reader).send(), 403, "forbidden");
        error(api.call("POST", p + "/run").key(reader).send(), 403, "forbidden");
        error(api.call("POST", p + "/pause").key(reader).send(), 403, "forbidden");
        error(api.call("POST", p + "/resume").key(reader).send(), 403, "forbidden");
        JsonNode g = ok(api.get(p), 200);
        assertThat(g.get("command").asText()).isEqualTo("true");
        assertThat(g.get("status").asText()).isEqualTo("active");
        assertThat(ok(api.get(p + "/executions"), 200)).isEmpty();
        assertThat(allNames()).doesNotContain("reader-made");
    }

    @Test
    void aStarterKeyPastItsLimitGets429RateLimitExceeded() {
        String starter = api.key("starter", Set.of("jobs:write"), "starter");
        long before = Instant.now().getEpochSecond();
        for (int i = 0; i < ChadburnServer.STARTER_PER_MINUTE; i++) {
            Resp r = api.call("GET", JOBS + "?limit=1").key(starter).send();
            ok(r, 200);
            assertThat(r.header("X-RateLimit-Limit")).isEqualTo(Integer.toString(ChadburnServer.STARTER_PER_MINUTE));
            assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(ChadburnServer.STARTER_PER_MINUTE - 1 - i));
            assertThat(Long.parseLong(r.header("X-RateLimit-Reset"))).isBetween(before, before + 61);
        }
        Resp over = api.call("POST", JOBS).key(starter).body(job("over-the-limit", "0 0 * * *", "true")).send();
        error(over, 429, "rate_limit_exceeded");
        api.fits(over, JOBS, "post", 429);
        assertThat(over.header("X-RateLimit-Limit")).isEqualTo(Integer.toString(ChadburnServer.STARTER_PER_MINUTE));
        assertThat(over.header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(Long.parseLong(over.header("X-RateLimit-Reset"))).isBetween(before, before + 61);
        // 5 a minute: one request comes back every 12 s.
        assertThat(Long.parseLong(over.header("Retry-After"))).isBetween(1L, 12L);
        error(api.call("GET", JOBS).key(starter).send(), 429, "rate_limit_exceeded");
        // The refused create did nothing; other principals are not affected.
        assertThat(allNames()).doesNotContain("over-the-limit");
    }
}
