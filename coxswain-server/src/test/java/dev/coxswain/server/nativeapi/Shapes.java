package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.server.nativeapi.ApiServer.Resp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's shapes: the {@code {data, meta}} envelope, the {@code {error:{code,message,details}}}
 * envelope, and every documented field of each object with its JSON type.
 */
final class Shapes {
    static final Set<String> TASK_STATUSES = Set.of("pending", "queued", "running", "completed", "failed", "cancelled");
    static final Set<String> WORKER_STATUSES = Set.of("active", "idle", "offline");
    static final Set<String> LOG_LEVELS = Set.of("info", "error", "warn", "debug");

    private Shapes() {
    }

    /** A success: the status, a JSON content type, {@code data} present and no {@code error}. */
    static JsonNode ok(Resp r, int status) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).as("content type of %s", r)
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.json()).as("JSON body of %s", r).isNotNull();
        assertThat(r.json().isObject()).as("%s", r).isTrue();
        assertThat(r.json().has("data")).as("data in %s", r).isTrue();
        assertThat(r.json().has("error")).as("no error in %s", r).isFalse();
        return r.data();
    }

    /** An error: the status, a JSON body with only {@code error}, its code and a message. */
    static JsonNode error(Resp r, int status, String code) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).as("content type of %s", r)
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.json()).as("JSON body of %s", r).isNotNull();
        assertThat(r.json().has("data")).as("no data in %s", r).isFalse();
        JsonNode e = r.error();
        assertThat(e).as("error object in %s", r).isNotNull();
        assertThat(e.isObject()).as("%s", r).isTrue();
        assertThat(e.path("code").isTextual()).as("error.code string in %s", r).isTrue();
        assertThat(e.path("code").asText()).as("error.code in %s", r).isEqualTo(code);
        assertThat(e.path("message").isTextual()).as("error.message string in %s", r).isTrue();
        assertThat(e.path("message").asText()).as("error.message in %s", r).isNotBlank();
        if (e.has("details")) assertThat(e.get("details").isObject()).as("error.details object in %s", r).isTrue();
        return e;
    }

    /** A 422 whose {@code details} names each of {@code fields} with a message. */
    static JsonNode validation(Resp r, String... fields) {
        JsonNode e = error(r, 422, "validation_error");
        JsonNode d = e.get("details");
        assertThat(d).as("details in %s", r).isNotNull();
        for (String f : fields) {
            assertThat(d.path(f).isTextual()).as("details.%s in %s", f, r).isTrue();
            assertThat(d.path(f).asText()).as("details.%s in %s", f, r).isNotBlank();
        }
        return d;
    }

    /** A 400 for a bad query parameter, naming the parameter in {@code details}. */
    static void badParam(Resp r, String param) {
        JsonNode e = error(r, 400, "bad_request");
        assertThat(e.path("details").path(param).isTextual()).as("details.%s in %s", param, r).isTrue();
    }

    static void time(JsonNode n, String what) {
        assertThat(n).as(what).isNotNull();
        assertThat(n.isTextual()).as("%s is a string: %s", what, n).isTrue();
        assertThat(n.asText()).as(what).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        Instant.parse(n.asText());
    }

    static void timeOrNull(JsonNode n, String what) {
        assertThat(n).as("%s present", what).isNotNull();
        if (!n.isNull()) time(n, what);
    }

    static void stringOrNull(JsonNode parent, String f) {
        assertThat(parent.has(f)).as("field %s in %s", f, parent).isTrue();
        JsonNode n = parent.get(f);
        assertThat(n.isNull() || n.isTextual()).as("%s is a string or null: %s", f, n).isTrue();
    }

    static void string(JsonNode parent, String f) {
        assertThat(parent.path(f).isTextual()).as("%s is a string in %s", f, parent).isTrue();
    }

    static void integer(JsonNode parent, String f) {
        assertThat(parent.path(f).isIntegralNumber()).as("%s is an integer in %s", f, parent).isTrue();
    }

    static void number(JsonNode parent, String f) {
        assertThat(parent.path(f).isNumber()).as("%s is a number in %s", f, parent).isTrue();
    }

    static List<String> strings(JsonNode array, String what) {
        assertThat(array).as(what).isNotNull();
        assertThat(array.isArray()).as("%s is an array: %s", what, array).isTrue();
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            assertThat(n.isTextual()).as("%s holds strings: %s", what, array).isTrue();
            out.add(n.asText());
        }
        return out;
    }

    /** Every field of the seed's task object, with its type. */
    static void task(JsonNode t) {
        assertThat(t).isNotNull();
        assertThat(t.isObject()).as("task is an object: %s", t).isTrue();
        string(t, "id");
        assertThat(t.get("id").asText()).matches("task-\\d+");
        string(t, "name");
        stringOrNull(t, "description");
        string(t, "command");
        string(t, "status");
        assertThat(t.get("status").asText()).isIn(TASK_STATUSES);
        integer(t, "priority");
        assertThat(t.get("priority").asInt()).isBetween(1, 10);
        integer(t, "retry_count");
        integer(t, "max_retries");
        time(t.get("created_at"), "created_at");
        time(t.get("updated_at"), "updated_at");
        timeOrNull(t.get("scheduled_at"), "scheduled_at");
        timeOrNull(t.get("started_at"), "started_at");
        timeOrNull(t.get("completed_at"), "completed_at");
        integer(t, "timeout_seconds");
        strings(t.get("tags"), "tags");
        for (String d : strings(t.get("dependencies"), "dependencies")) assertThat(d).matches("task-\\d+");
        stringOrNull(t, "worker_id");
        stringOrNull(t, "result");
        stringOrNull(t, "error");
        assertThat(t.has("checkpoint_data")).as("checkpoint_data in %s", t).isTrue();
        assertThat(t.get("checkpoint_data").isNull() || t.get("checkpoint_data").isObject())
                .as("checkpoint_data is an object or null: %s", t).isTrue();
        assertThat(t.path("checkpoint_enabled").isBoolean()).as("checkpoint_enabled is a boolean: %s", t).isTrue();
    }

    /** The seed's list meta: page, limit, total, pages. */
    static void pageMeta(Resp r, int page, int limit, long total) {
        JsonNode m = r.meta();
        assertThat(m).as("meta in %s", r).isNotNull();
        for (String f : List.of("page", "limit", "total", "pages")) integer(m, f);
        assertThat(m.get("page").asInt()).as("meta.page in %s", r).isEqualTo(page);
        assertThat(m.get("limit").asInt()).as("meta.limit in %s", r).isEqualTo(limit);
        assertThat(m.get("total").asLong()).as("meta.total in %s", r).isEqualTo(total);
        assertThat(m.get("pages").asLong()).as("meta.pages in %s", r).isEqualTo((total + limit - 1) / limit);
    }

    static List<String> ids(JsonNode array) {
        assertThat(array.isArray()).as("array: %s", array).isTrue();
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.get("id").asText());
        return out;
    }

    /** The seed's worker object; {@code detail} adds the fields of GET /workers/{id}. */
    static void worker(JsonNode w, boolean detail) {
        string(w, "id");
        stringOrNull(w, "hostname");
        string(w, "status");
        assertThat(w.get("status").asText()).isIn(WORKER_STATUSES);
        integer(w, "tasks_completed");
        integer(w, "tasks_failed");
        integer(w, "current_tasks");
        time(w.get("last_heartbeat"), "last_heartbeat");
        time(w.get("registered_at"), "registered_at");
        stringOrNull(w, "version");
        strings(w.get("tags"), "tags");
        if (detail) {
            List<String> current = strings(w.get("current_task_ids"), "current_task_ids");
            assertThat(current).hasSize(w.get("current_tasks").asInt());
            JsonNode res = w.get("resources");
            assertThat(res).as("resources in %s", w).isNotNull();
            assertThat(res.isObject()).isTrue();
            for (String f : List.of("cpu_usage", "memory_usage", "disk_usage")) {
                assertThat(res.has(f)).as("resources.%s in %s", f, w).isTrue();
                assertThat(res.get(f).isNull() || res.get(f).isNumber()).as("resources.%s: %s", f, w).isTrue();
            }
        }
    }

    static void log(JsonNode l) {
        time(l.get("timestamp"), "timestamp");
        string(l, "level");
        assertThat(l.get("level").asText()).isIn(LOG_LEVELS);
        string(l, "message");
    }
}
