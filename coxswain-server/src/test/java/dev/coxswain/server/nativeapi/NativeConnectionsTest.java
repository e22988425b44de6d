package dev.coxswain.server.nativeapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/connections} over HTTP: create/list/get/update/delete, the password write-only and
 * encrypted at rest, the test endpoint against the real local PostgreSQL (a version, or the exact
 * error), and the guard against deleting a connection that schedules use.
 */
class NativeConnectionsTest {
    static final String PASSWORD = "connection-password-that-must-not-leak";
    static final String BASE = "/api/connections";

    @TempDir
    static Path dir;
    static ApiServer api;

    @BeforeAll
    static void start() {
        SecretLedger.secret(PASSWORD);
        api = ApiServer.start(dir);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static String body(String name, int port, String database) {
        return "{\"name\":\"" + name + "\",\"host\":\"127.0.0.1\",\"port\":" + port + ",\"database\":\"" + database
                + "\",\"user\":\"postgres\",\"password\":\"" + PASSWORD + "\",\"sslmode\":\"disable\",\"environment\":\"test\","
                + "\"tags\":[\"local\"]}";
    }

    @Test
    void createShowsEverythingButThePasswordWhichIsEncryptedAtRest() throws Exception {
        JsonNode c = Shapes.ok(api.post(BASE, body("main-db", 5432, "postgres")), 201);
        assertThat(c.path("id").asText()).matches("conn-\\d+");
        assertThat(c.path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(c.path("port").asInt()).isEqualTo(5432);
        assertThat(c.path("user").asText()).isEqualTo("postgres");
        assertThat(c.path("has_password").asBoolean()).isTrue();
        assertThat(c.path("sslmode").asText()).isEqualTo("disable");
        assertThat(c.path("source").asText()).isEqualTo("api");
        assertThat(c.has("password")).isFalse();
        String id = c.path("id").asText();
        for (ApiServer.Resp r : new ApiServer.Resp[]{api.get(BASE), api.get(BASE + "/" + id)}) {
            Shapes.ok(r, 200);
            assertThat(r.body()).doesNotContain(PASSWORD);
        }
        // Neither the database file nor the log holds it in clear; the key file is 0600.
        assertThat(new String(Files.readAllBytes(dir.resolve("coxswain.db")), StandardCharsets.ISO_8859_1)).doesNotContain(PASSWORD);
        assertThat(Files.getPosixFilePermissions(dir.resolve("secret.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void testReportsTheServerVersionOrTheExactError() {
        String ok = Shapes.ok(api.post(BASE, body("reachable", 5432, "postgres")), 201).path("id").asText();
        JsonNode r = Shapes.ok(api.post(BASE + "/" + ok + "/test"), 200);
        assertThat(r.path("ok").asBoolean()).as("%s", r).isTrue();
        assertThat(r.path("server_version").asText()).matches("\\d+.*");

        String missingDb = Shapes.ok(api.post(BASE, body("no-such-db", 5432, "coxswain_no_such_db")), 201).path("id").asText();
        JsonNode bad = Shapes.ok(api.post(BASE + "/" + missingDb + "/test"), 200);
        assertThat(bad.path("ok").asBoolean()).isFalse();
        assertThat(bad.path("error").asText()).contains("coxswain_no_such_db").contains("does not exist");

        String closed = Shapes.ok(api.post(BASE, body("closed-port", 1, "postgres")), 201).path("id").asText();
        JsonNode refused = Shapes.ok(api.post(BASE + "/" + closed + "/test"), 200);
        assertThat(refused.path("ok").asBoolean()).isFalse();
        assertThat(refused.path("error").asText()).isNotBlank().doesNotContain(PASSWORD);
    }

    /** A role that can do more than read statistics is said so on create and on test (the analyses run as it). */
    @Test
    void aPowerfulRoleIsWarnedAboutOnCreateAndTest() throws Exception {
        JsonNode su = Shapes.ok(api.post(BASE, body("as-superuser", 5432, "postgres")), 201);
        assertThat(su.path("warnings").isArray()).as("%s", su).isTrue();
        assertThat(su.path("warnings").toString()).contains("superuser");
        JsonNode t = Shapes.ok(api.post(BASE + "/" + su.path("id").asText() + "/test"), 200);
        assertThat(t.path("ok").asBoolean()).isTrue();
        assertThat(t.path("warnings").toString()).contains("superuser");

        String role = "cox_conn_warn_" + ProcessHandle.current().pid();
        try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
             var s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + role);
            s.execute("DROP ROLE IF EXISTS " + role + "_plain");
            s.execute("CREATE ROLE " + role + " LOGIN IN ROLE pg_read_server_files, pg_write_server_files, pg_signal_backend");
            s.execute("CREATE ROLE " + role + "_plain LOGIN IN ROLE pg_monitor");
        }
        try {
            JsonNode files = Shapes.ok(api.post(BASE, "{\"name\":\"as-file-reader\",\"host\":\"127.0.0.1\",\"database\":\"postgres\","
                    + "\"user\":\"" + role + "\",\"sslmode\":\"disable\"}"), 201);
            assertThat(files.path("warnings").toString()).contains("pg_read_server_files", "pg_write_server_files",
                    "pg_signal_backend").doesNotContain("superuser");
            JsonNode ft = Shapes.ok(api.post(BASE + "/" + files.path("id").asText() + "/test"), 200);
            assertThat(ft.path("warnings")).isEqualTo(files.path("warnings"));

            JsonNode plain = Shapes.ok(api.post(BASE, "{\"name\":\"as-monitor\",\"host\":\"127.0.0.1\",\"database\":\"postgres\","
                    + "\"user\":\"" + role + "_plain\",\"sslmode\":\"disable\"}"), 201);
            assertThat(plain.path("warnings").isArray()).isTrue();
            assertThat(plain.path("warnings").size()).as("%s", plain).isZero();
        } finally {
            try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
                 var s = c.createStatement()) {
                s.execute("DROP ROLE IF EXISTS " + role);
                s.execute("DROP ROLE IF EXISTS " + role + "_plain");
            }
        }
        // Unreachable: created all the same, nothing to warn about yet.
        JsonNode closed = Shapes.ok(api.post(BASE, body("warn-closed-port", 1, "postgres")), 201);
        assertThat(closed.path("warnings").size()).isZero();
    }

    @Test
    void updateKeepsThePasswordUnlessOneIsSent() {
        String id = Shapes.ok(api.post(BASE, body("to-change", 5432, "postgres")), 201).path("id").asText();
        JsonNode u = Shapes.ok(api.put(BASE + "/" + id, "{\"environment\":\"staging\",\"tags\":[\"a\",\"b\"]}"), 200);
        assertThat(u.path("environment").asText()).isEqualTo("staging");
        assertThat(u.path("has_password").asBoolean()).isTrue();
        assertThat(u.path("name").asText()).isEqualTo("to-change");
        Shapes.validation(api.put(BASE + "/" + id, "{\"port\": 70000}"), "port");
        Shapes.validation(api.put(BASE + "/" + id, "{\"sslmode\": \"sometimes\"}"), "sslmode");
        Shapes.validation(api.put(BASE + "/" + id, "{}"), "body");
        Shapes.ok(api.post(BASE, body("taken-name", 5432, "postgres")), 201);
        Shapes.error(api.put(BASE + "/" + id, "{\"name\":\"taken-name\"}"), 409, "conflict");
    }

    @Test
    void validationAndNotFound() {
        Shapes.validation(api.post(BASE, "{\"host\":\"h\",\"database\":\"d\",\"user\":\"u\"}"), "name");
        Shapes.validation(api.post(BASE, "{\"name\":\"x\",\"host\":\"bad host!\",\"database\":\"d\",\"user\":\"u\"}"), "host");
        Shapes.validation(api.post(BASE, "{\"name\":\"x\",\"host\":\"h\",\"port\":\"5432\",\"database\":\"d\",\"user\":\"u\"}"), "port");
        Shapes.validation(api.post(BASE, "{\"name\":\"x\",\"host\":\"h\",\"user\":\"u\"}"), "database");
        Shapes.validation(api.post(BASE, "{\"name\":\"x\",\"host\":\"h\",\"database\":\"d\",\"user\":\"u\",\"has_password\":true}"),
                "has_password");
        Shapes.error(api.post(BASE, "{\"name\":"), 400, "bad_request");
        Shapes.ok(api.post(BASE, body("dup-conn", 5432, "postgres")), 201);
        Shapes.error(api.post(BASE, body("dup-conn", 5432, "postgres")), 409, "conflict");
        for (String p : new String[]{BASE + "/conn-999", BASE + "/nope"}) {
            Shapes.error(api.get(p), 404, "not_found");
            Shapes.error(api.delete(p), 404, "not_found");
            Shapes.error(api.post(p + "/test"), 404, "not_found");
        }
    }

    @Test
    void aConnectionThatSchedulesUseCannotBeDeleted() {
        String conn = Shapes.ok(api.post(BASE, body("in-use", 5432, "postgres")), 201).path("id").asText();
        long n = Long.parseLong(conn.substring("conn-".length()));
        Shapes.ok(api.post("/api/schedules", "{\"name\":\"uses-conn\",\"cron\":\"@daily\",\"payload\":{\"command\":\"true\","
                + "\"connection_id\":" + n + "}}"), 201);
        JsonNode e = Shapes.error(api.delete(BASE + "/" + conn), 409, "conflict");
        assertThat(e.toString()).contains("uses-conn");
        String free = Shapes.ok(api.post(BASE, body("not-used", 5432, "postgres")), 201).path("id").asText();
        Shapes.ok(api.delete(BASE + "/" + free), 200);
        Shapes.error(api.get(BASE + "/" + free), 404, "not_found");
    }

    @Test
    void onlyAdminsChangeConnections() {
        String reader = api.server.engine().apiKeys().create("conn-reader", Set.of("tasks:read"), "starter").secret();
        SecretLedger.secret(reader);
        Shapes.ok(api.call("GET", BASE).key(reader).send(), 200);
        Shapes.error(api.call("POST", BASE).key(reader).body(body("nope", 5432, "postgres")).send(), 403, "forbidden");
    }

    /** Keeps the PostgreSQL fixture honest: the tests above need a server on 127.0.0.1:5432. */
    @Test
    void postgresIsThere() {
        try (var pg = TestDatabases.freshPostgres()) {
            assertThat(pg.url()).startsWith("jdbc:postgresql://127.0.0.1");
        }
    }
}
