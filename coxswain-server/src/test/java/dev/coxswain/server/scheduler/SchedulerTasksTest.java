package dev.coxswain.server.scheduler;

import static dev.coxswain.server.scheduler.SchedulerServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The task endpoints of the scheduler face over real HTTP, under both prefixes: shapes and errors. */
class SchedulerTasksTest {
    @TempDir
    static Path dir;
    static SchedulerServer srv;
    static long conn;
    static final AtomicInteger SEQ = new AtomicInteger();
    static final String NAIVE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?";

    @BeforeAll
    static void start() {
        srv = new SchedulerServer(dir);
        conn = srv.connection("target", "nowhere");
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    static String unique(String base) {
        return base + "-" + SEQ.incrementAndGet();
    }

    JsonNode create(String prefix, String name, String extra) {
        return ok(srv.post(prefix + "/tasks", "{\"name\":\"" + name + "\",\"task_type\":\"config_check\",\"connection_id\":"
                + conn + ",\"cron_schedule\":\"0 2 * * *\"" + extra + "}"), 201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/scheduler", "/api/v1/scheduler"})
    void createReturnsTheTaskWithNaiveLocalTimes(String prefix) {
        String name = unique("Ежедневная проверка конфигурации");
        JsonNode t = create(prefix, name, ",\"description\":\"Проверка\",\"task_params\":{\"check_performance\":true,"
                + "\"environment\":\"production\",\"query_timeout\":\"30\"},\"is_active\":true");
        assertThat(t.path("id").isIntegralNumber()).isTrue();
        assertThat(t.path("name").asText()).isEqualTo(name);
        assertThat(t.path("task_type").asText()).isEqualTo("config_check");
        assertThat(t.path("connection_id").asLong()).isEqualTo(conn);
        assertThat(t.path("cron_schedule").asText()).isEqualTo("0 2 * * *");
        assertThat(t.path("description").asText()).isEqualTo("Проверка");
        // Echoed as stored; Pydantic-style coercion of known keys ("30" → 30).
        assertThat(t.path("task_params").toString())
                .isEqualTo("{\"check_performance\":true,\"environment\":\"production\",\"query_timeout\":30}");
        assertThat(t.path("is_active").asBoolean()).isTrue();
        assertThat(t.path("last_run_at").isNull()).isTrue();
        assertThat(t.path("next_run_at").asText()).matches(NAIVE).endsWith("T02:00:00");
        assertThat(t.path("created_at").asText()).matches(NAIVE);
        LocalDateTime created = LocalDateTime.parse(t.path("created_at").asText());
        LocalDateTime nowLocal = LocalDateTime.now(SchedulerServer.ZONE);
        assertThat(created).isBetween(nowLocal.minusMinutes(1), nowLocal.plusMinutes(1));
        LocalDateTime next = LocalDateTime.parse(t.path("next_run_at").asText());
        assertThat(next).isAfter(nowLocal).isBefore(nowLocal.plusDays(1).plusMinutes(1));
        assertThat(t.fieldNames()).toIterable().containsExactly("id", "name", "task_type", "connection_id", "cron_schedule",
                "description", "task_params", "is_active", "last_run_at", "next_run_at", "created_at");

        JsonNode got = ok(srv.get(prefix + "/tasks/" + t.path("id").asLong()), 200);
        assertThat(got).isEqualTo(t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/scheduler", "/api/v1/scheduler"})
    void defaultsAndInactiveCreation(String prefix) {
        JsonNode t = create(prefix, unique("minimal"), "");
        assertThat(t.path("description").isNull()).isTrue();
        assertThat(t.path("task_params").isObject()).isTrue();
        assertThat(t.path("task_params").size()).isZero();
        assertThat(t.path("is_active").asBoolean()).isTrue();
        JsonNode off = create(prefix, unique("inactive"), ",\"is_active\":false");
        assertThat(off.path("is_active").asBoolean()).isFalse();
        assertThat(off.path("next_run_at").asText()).endsWith("T02:00:00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/scheduler", "/api/v1/scheduler"})
    void listNewestFirstWithTheActiveFilter(String prefix) {
        long a = create(prefix, unique("list-a"), "").path("id").asLong();
        long b = create(prefix, unique("list-b"), ",\"is_active\":false").path("id").asLong();
        JsonNode all = ok(srv.get(prefix + "/tasks"), 200);
        assertThat(all.isArray()).isTrue();
        java.util.List<Long> ids = new java.util.ArrayList<>();
        all.forEach(t -> ids.add(t.path("id").asLong()));
        assertThat(ids).contains(a, b);
        assertThat(ids.indexOf(b)).isLessThan(ids.indexOf(a));
        assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        JsonNode active = ok(srv.get(prefix + "/tasks?is_active=true"), 200);
        active.forEach(t -> assertThat(t.path("is_active").asBoolean()).isTrue());
        assertThat(active.toString()).contains("\"id\":" + a + ",");
        JsonNode inactive = ok(srv.get(prefix + "/tasks?is_active=false"), 200);
        inactive.forEach(t -> assertThat(t.path("is_active").asBoolean()).isFalse());
        assertThat(inactive.toString()).contains("\"id\":" + b + ",");
        JsonNode bad = ok(srv.get(prefix + "/tasks?is_active=maybe"), 422);
        assertThat(bad.path("detail").get(0).path("loc").toString()).isEqualTo("[\"query\",\"is_active\"]");
        assertThat(bad.path("detail").get(0).path("type").asText()).isEqualTo("bool_parsing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/scheduler", "/api/v1/scheduler"})
    void putIsPartial(String prefix) {
        JsonNode t = create(prefix, unique("put"), ",\"description\":\"d\",\"task_params\":{\"check_security\":true}");
        long id = t.path("id").asLong();
        String newName = unique("Обновленная проверка");
        JsonNode u = ok(srv.put(prefix + "/tasks/" + id, "{\"name\":\"" + newName + "\",\"cron_schedule\":\"0 3 * * *\","
                + "\"is_active\":false,\"task_type\":\"custom_sql\",\"connection_id\":999}"), 200);
        assertThat(u.path("name").asText()).isEqualTo(newName);
        assertThat(u.path("cron_schedule").asText()).isEqualTo("0 3 * * *");
        assertThat(u.path("is_active").asBoolean()).isFalse();
        assertThat(u.path("next_run_at").asText()).endsWith("T03:00:00");
        assertThat(u.path("task_type").asText()).isEqualTo("config_check"); // cannot change
        assertThat(u.path("connection_id").asLong()).isEqualTo(conn);
        assertThat(u.path("description").asText()).isEqualTo("d");
        assertThat(u.path("task_params").toString()).isEqualTo("{\"check_security\":true}");
        JsonNode same = ok(srv.put(prefix + "/tasks/" + id, "{}"), 200);
        assertThat(same).isEqualTo(u);
        JsonNode nulls = ok(srv.put(prefix + "/tasks/" + id, "{\"name\":null,\"description\":null,\"is_active\":null}"), 200);
        assertThat(nulls).isEqualTo(u);
        JsonNode replaced = ok(srv.put(prefix + "/tasks/" + id, "{\"task_params\":{\"environment\":\"dev\"},\"is_active\":true}"), 200);
        assertThat(replaced.path("task_params").toString()).isEqualTo("{\"environment\":\"dev\"}");
        assertThat(replaced.path("is_active").asBoolean()).isTrue();
        assertThat(ok(srv.put(prefix + "/tasks/" + id, "{\"cron_schedule\":\"61 * * * *\"}"), 400).path("detail").asText())
                .isEqualTo("Некорректное cron выражение: 61 * * * *");
        assertThat(ok(srv.put(prefix + "/tasks/999999", "{}"), 404).toString()).isEqualTo("{\"detail\":\"Задача не найдена\"}");
        assertThat(ok(srv.put(prefix + "/tasks/" + id, "{\"is_active\":\"perhaps\"}"), 422).path("detail").get(0).path("loc").toString())
                .isEqualTo("[\"body\",\"is_active\"]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/scheduler", "/api/v1/scheduler"})
    void deleteIs204ThenGone(String prefix) {
        long id = create(prefix, unique("del"), "").path("id").asLong();
        SchedulerServer.Resp r = srv.delete(prefix + "/tasks/" + id);
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(ok(srv.get(prefix + "/tasks/" + id), 404).toString()).isEqualTo("{\"detail\":\"Задача не найдена\"}");
        assertThat(ok(srv.delete(prefix + "/tasks/" + id), 404).toString()).isEqualTo("{\"detail\":\"Задача не найдена\"}");
    }

    @Test
    void cronForms() {
        String p = "/scheduler";
        assertThat(create(p, unique("six"), "").path("cron_schedule").asText()).isEqualTo("0 2 * * *");
        JsonNode six = ok(srv.post(p + "/tasks", body(unique("six"), "config_check", conn, "0 2 * * * 30")), 201);
        assertThat(six.path("cron_schedule").asText()).isEqualTo("0 2 * * * 30");
        assertThat(six.path("next_run_at").asText()).endsWith("T02:00:30");
        JsonNode daily = ok(srv.post(p + "/tasks", body(unique("alias"), "config_check", conn, "@daily")), 201);
        assertThat(daily.path("next_run_at").asText()).endsWith("T00:00:00");
        for (String bad : new String[]{"not a cron", "@every 1h", "CRON_TZ=UTC 0 2 * * *", "0 2 * * * * 2030", "", "0 25 * * *"}) {
            JsonNode e = ok(srv.post(p + "/tasks", body(unique("bad"), "config_check", conn, bad)), 400);
            assertThat(e.toString()).isEqualTo("{\"detail\":\"Некорректное cron выражение: " + bad + "\"}");
        }
    }

    static String body(String name, String type, long connection, String cron) {
        return "{\"name\":\"" + name + "\",\"task_type\":\"" + type + "\",\"connection_id\":" + connection
                + ",\"cron_schedule\":\"" + cron + "\"}";
    }

    @Test
    void semanticErrorsAre400() {
        String name = unique("dup");
        create("/scheduler", name, "");
        assertThat(ok(srv.post("/scheduler/tasks", body(name, "config_check", conn, "0 2 * * *")), 400).toString())
                .isEqualTo("{\"detail\":\"Task with name '" + name + "' already exists\"}");
        assertThat(ok(srv.post("/scheduler/tasks", body(unique("noconn"), "config_check", 987654, "0 2 * * *")), 400).toString())
                .isEqualTo("{\"detail\":\"Подключение с ID 987654 не найдено\"}");
    }

    @Test
    void schemaErrorsAre422InFastApisShape() {
        JsonNode e = ok(srv.post("/scheduler/tasks", "{\"task_type\":\"nope\",\"connection_id\":\"abc\",\"cron_schedule\":5,"
                + "\"is_active\":\"perhaps\",\"task_params\":{\"query_timeout\":1.5,\"target_tables\":\"t\"}}"), 422);
        JsonNode d = e.path("detail");
        assertThat(d.isArray()).isTrue();
        java.util.List<String> seen = new java.util.ArrayList<>();
        d.forEach(x -> seen.add(x.path("loc").toString() + " " + x.path("type").asText()));
        assertThat(seen).containsExactly(
                "[\"body\",\"name\"] missing",
                "[\"body\",\"task_type\"] enum",
                "[\"body\",\"connection_id\"] int_parsing",
                "[\"body\",\"cron_schedule\"] string_type",
                "[\"body\",\"task_params\",\"query_timeout\"] int_from_float",
                "[\"body\",\"task_params\",\"target_tables\"] list_type",
                "[\"body\",\"is_active\"] bool_parsing");
        assertThat(d.get(0).path("msg").asText()).isEqualTo("Field required");
        assertThat(d.get(1).path("msg").asText()).isEqualTo(
                "Input should be 'config_check', 'log_analysis', 'query_analysis', 'table_analysis' or 'custom_sql'");
        assertThat(d.get(1).path("input").asText()).isEqualTo("nope");
        assertThat(d.get(2).path("msg").asText()).isEqualTo("Input should be a valid integer, unable to parse string as an integer");

        JsonNode malformed = ok(srv.post("/scheduler/tasks", "{\"name\":"), 422).path("detail").get(0);
        assertThat(malformed.path("type").asText()).isEqualTo("json_invalid");
        assertThat(malformed.path("loc").get(0).asText()).isEqualTo("body");
        assertThat(malformed.path("msg").asText()).isEqualTo("JSON decode error");
        JsonNode array = ok(srv.post("/scheduler/tasks", "[1]"), 422).path("detail").get(0);
        assertThat(array.path("type").asText()).isEqualTo("model_attributes_type");
        JsonNode none = ok(srv.send("POST", "/scheduler/tasks", null, null), 422).path("detail").get(0);
        assertThat(none.path("type").asText()).isEqualTo("missing");
        assertThat(none.path("loc").toString()).isEqualTo("[\"body\"]");
        JsonNode longName = ok(srv.post("/scheduler/tasks", body("x".repeat(201), "config_check", conn, "0 2 * * *")), 422);
        assertThat(longName.path("detail").get(0).path("type").asText()).isEqualTo("string_too_long");
        JsonNode path = ok(srv.get("/scheduler/tasks/abc"), 422).path("detail").get(0);
        assertThat(path.path("loc").toString()).isEqualTo("[\"path\",\"task_id\"]");
        assertThat(path.path("type").asText()).isEqualTo("int_parsing");
    }

    @Test
    void authFailuresUseDetail() {
        SchedulerServer.Resp anon = srv.send("GET", "/scheduler/tasks", null, Map.of());
        assertThat(anon.status()).isEqualTo(401);
        assertThat(anon.json().path("detail").isTextual()).isTrue();
        assertThat(srv.send("GET", "/api/v1/scheduler/stats", null, Map.of("X-API-Key", "cox_wrong")).status()).isEqualTo(401);
        String reader = srv.key("reader", "tasks:read");
        assertThat(srv.send("GET", "/scheduler/tasks", null, Map.of("Authorization", "ApiKey " + reader)).status()).isEqualTo(200);
        SchedulerServer.Resp denied = srv.send("POST", "/scheduler/tasks", body(unique("x"), "config_check", conn, "0 2 * * *"),
                Map.of("Authorization", "ApiKey " + reader));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json().path("detail").asText()).contains("tasks:write");
        String writer = srv.key("writer", "tasks:write");
        assertThat(srv.send("POST", "/scheduler/tasks", body(unique("w"), "config_check", conn, "0 2 * * *"),
                Map.of("Authorization", "ApiKey " + writer)).status()).isEqualTo(201);
        String other = srv.key("workers-only", "workers");
        assertThat(srv.send("GET", "/scheduler/stats", null, Map.of("X-API-Key", other)).status()).isEqualTo(403);
    }

    /** Writing SQL of one's own takes more than tasks:write: a read-only session still reaches server functions. */
    @Test
    void customSqlNeedsTheSqlCustomScope() {
        String writer = srv.key("sql-writer-without", "tasks:write");
        Map<String, String> w = Map.of("X-API-Key", writer);
        String sql = "{\"name\":\"%s\",\"task_type\":\"custom_sql\",\"connection_id\":" + conn
                + ",\"cron_schedule\":\"0 2 * * *\",\"task_params\":{\"custom_sql\":\"SELECT 1\"}}";
        SchedulerServer.Resp denied = srv.send("POST", "/scheduler/tasks", sql.formatted(unique("sql")), w);
        assertThat(denied.status()).as("%s", denied).isEqualTo(403);
        assertThat(denied.json().fieldNames()).toIterable().containsExactly("detail");
        assertThat(denied.json().path("detail").asText()).contains("sql:custom");
        assertThat(srv.send("POST", "/api/v1/scheduler/tasks", sql.formatted(unique("sql")), w).status()).isEqualTo(403);

        // A task made by a holder of the scope: a tasks:write key may read it and switch it off, not change its SQL or run it.
        String sqlWriter = srv.key("sql-writer", "tasks:write", "sql:custom");
        Map<String, String> sw = Map.of("X-API-Key", sqlWriter);
        SchedulerServer.Resp made = srv.send("POST", "/scheduler/tasks", sql.formatted(unique("sql")), sw);
        assertThat(made.status()).as("%s", made).isEqualTo(201);
        long id = made.json().path("id").asLong();
        assertThat(srv.send("GET", "/scheduler/tasks/" + id, null, w).status()).isEqualTo(200);
        assertThat(srv.send("PUT", "/scheduler/tasks/" + id, "{\"is_active\":false}", w).status()).isEqualTo(200);
        SchedulerServer.Resp put = srv.send("PUT", "/scheduler/tasks/" + id,
                "{\"task_params\":{\"custom_sql\":\"SELECT 2\"}}", w);
        assertThat(put.status()).as("%s", put).isEqualTo(403);
        assertThat(put.json().path("detail").asText()).contains("sql:custom");
        assertThat(srv.send("POST", "/scheduler/tasks/" + id + "/queue", null, w).status()).isEqualTo(403);
        assertThat(srv.send("PUT", "/scheduler/tasks/" + id, "{\"task_params\":{\"custom_sql\":\"SELECT 2\"}}", sw)
                .status()).isEqualTo(200);
        assertThat(srv.send("POST", "/scheduler/tasks/" + id + "/queue", null, sw).status()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAreFastApis404And405() {
        assertThat(ok(srv.get("/scheduler/nothing"), 404).toString()).isEqualTo("{\"detail\":\"Not Found\"}");
        assertThat(ok(srv.get("/api/v1/scheduler/nothing"), 404).toString()).isEqualTo("{\"detail\":\"Not Found\"}");
        assertThat(ok(srv.send("PATCH", "/scheduler/tasks/1", "{}", null), 405).toString())
                .isEqualTo("{\"detail\":\"Method Not Allowed\"}");
    }

    static String today() {
        return LocalDateTime.now(SchedulerServer.ZONE).format(DateTimeFormatter.ISO_LOCAL_DATE);
    }
}
