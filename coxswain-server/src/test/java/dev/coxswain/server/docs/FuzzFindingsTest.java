package dev.coxswain.server.docs;

import static dev.coxswain.server.docs.DocsServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.webhook.WebhookSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests {@link ApiFuzzer} found answered with a 5xx or off their documented schema, replayed
 * as they were sent, so each stays fixed.
 */
class FuzzFindingsTest {
    @TempDir
    static Path dir;
    static DocsServer srv;
    static SchemaCheck schemas;
    static String connection;

    @BeforeAll
    static void start() {
        srv = new DocsServer(DocsServer.config(dir).withWebhooks(new WebhookSettings(true, false, Duration.ofSeconds(5), 1, Duration.ofSeconds(1))));
        schemas = new SchemaCheck(srv.document());
        var c = srv.send("POST", "/api/connections", "{\"name\": \"c\", \"host\": \"127.0.0.1\", \"database\": \"nodb\", \"user\": \"u\"}", ADMIN);
        assertThat(c.status()).as(c.text()).isEqualTo(201);
        connection = c.json().path("data").path("id").asText().replace("conn-", "");
    }

    @AfterAll
    static void stop() {
        srv.close();
    }

    /** Jackson reads 1E+400 as an infinite double, whose decimal value threw: a 500. */
    @Test
    void anIntegerOutOfEveryRangeIsA422NotA500() {
        for (String id : new String[] {"1E+400", "-1E+400", "1e300", "9.3e18"}) {
            var r = srv.send("POST", "/api/v1/scheduler/tasks", "{\"name\": \"n\", \"task_type\": \"config_check\", \"connection_id\": "
                    + id + ", \"cron_schedule\": \"@hourly\"}", ADMIN);
            assertThat(r.status()).as(id + ": " + r.text()).isEqualTo(422);
            assertThat(schemas.responseProblems("/api/v1/scheduler/tasks", "post", 422, r.json())).as(r.text()).isEmpty();
            assertThat(r.json().path("detail").path(0).path("loc").toString()).isEqualTo("[\"body\",\"connection_id\"]");
        }
        var fine = srv.send("POST", "/scheduler/tasks", "{\"name\": \"n\", \"task_type\": \"config_check\", \"connection_id\": "
                + connection + ".0, \"cron_schedule\": \"@hourly\"}", ADMIN);
        assertThat(fine.status()).as(fine.text()).isEqualTo(201);
    }

    /** The server keeps a webhook URL with non-ASCII characters as sent (an IRI); the document said RFC 3986 URI. */
    @Test
    void aWebhookUrlWithNonAsciiCharactersFitsTheDocument() {
        var r = srv.send("POST", "/api/webhooks", "{\"url\": \"http://127.0.0.1:9/fz\u4e2d\u6587\", \"events\": [\"task.failed\"]}", ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(schemas.responseProblems("/api/webhooks", "post", 201, r.json())).as(r.text()).isEmpty();
    }

    /**
     * A body many times the limit, on an update: the fuzzer's client got no answer within 20 s.
     * Up to 16 MiB the server reads and drops the rest of the body so the 413 reaches the client;
     * beyond that it cuts the connection at once (README, "over-limit body"), and whether a client
     * still reads the 413 then is a race with the reset, so the body stays under it.
     */
    @Test
    void aBodyFarOverTheLimitIsAnswered413() {
        var t = srv.send("POST", "/api/tasks", "{\"name\": \"t\", \"command\": \"true\", \"scheduled_at\": \"2099-01-01T00:00:00Z\"}", ADMIN);
        String id = t.json().path("data").path("id").asText();
        var r = srv.send("PUT", "/api/tasks/" + id, "{\"name\": \"" + "h".repeat(15_000_000) + "\"}", ADMIN);
        assertThat(r.status()).isEqualTo(413);
    }

    /**
     * Found by the fuzzer: the native face replaced the payload of a schedule the scheduler face
     * made with one without {@code connection_id}; the scheduler face then listed the task with
     * {@code "connection_id": null}, which its schema (and the seed: an int) does not allow. An
     * analysis payload without a connection is now refused (422, native envelope, field named)
     * and the stored connection stays.
     */
    @Test
    void aSchedulerTaskKeepsItsConnectionWhenTheNativeFaceChangesItsPayload() {
        var st = srv.send("POST", "/scheduler/tasks", "{\"name\": \"st\", \"task_type\": \"log_analysis\", \"connection_id\": " + connection
                + ", \"cron_schedule\": \"@hourly\"}", ADMIN);
        assertThat(st.status()).as(st.text()).isEqualTo(201);
        String id = st.json().path("id").asText();
        for (String payload : new String[] {"{}", "{\"connection_id\": null}", "{\"connection_id\": \"1\"}", "{\"connection_id\": 0}",
                "{\"connection_id\": 1.5}", "{\"connection_id\": " + connection + ", \"params\": []}"}) {
            var u = srv.send("PUT", "/api/schedules/sch-" + id, "{\"payload\": " + payload + "}", ADMIN);
            assertThat(u.status()).as(payload + ": " + u.text()).isEqualTo(422);
            assertThat(schemas.responseProblems("/api/schedules/{id}", "put", 422, u.json())).as(u.text()).isEmpty();
            assertThat(u.json().path("error").path("details").fieldNames()).as(u.text())
                    .toIterable().containsAnyOf("payload.connection_id", "payload.params");
        }
        var r = srv.send("GET", "/scheduler/tasks/" + id, null, ADMIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(schemas.responseProblems("/scheduler/tasks/{task_id}", "get", 200, r.json())).as(r.text()).isEmpty();
        assertThat(r.json().path("connection_id").asText()).isEqualTo(connection);

        var fine = srv.send("PUT", "/api/schedules/sch-" + id, "{\"payload\": {\"connection_id\": " + connection
                + ", \"params\": {\"log_level\": \"ERROR\"}}}", ADMIN);
        assertThat(fine.status()).as(fine.text()).isEqualTo(200);
    }

    /** The same rule when the native face makes an analysis schedule. */
    @Test
    void aNativeAnalysisScheduleNeedsAConnection() {
        var r = srv.send("POST", "/api/schedules", "{\"name\": \"nc\", \"cron\": \"@hourly\", \"task_type\": \"config_check\", "
                + "\"payload\": {\"params\": {}}}", ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(422);
        assertThat(r.json().path("error").path("details").has("payload.connection_id")).as(r.text()).isTrue();
    }
}
