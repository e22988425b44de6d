package dev.coxswain.server.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.pganalysis.AnalysisExecutor;
import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.SchedulePatch;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.engine.Backoff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns the seed's task bodies into core schedules. A scheduler task is a schedule of analysis
 * tasks (owned by face {@code scheduler}) whose payload is {@code {"connection_id", "params"}};
 * every run is retried as the original does: up to 3 times after 60, 120 and 180 s
 * ({@code linear:60}), all attempts inside one execution.
 */
final class SchedulerRequest {
    static final String FACE = "scheduler";
    /** Every run carries this tag, so executions stay findable after their task is deleted. */
    static final String RUN_TAG = "face:scheduler";
    /** The seed's task types, in its order: the analyses the engine runs. */
    static final List<String> TASK_TYPES = AnalysisExecutor.TYPES;
    static final int MAX_NAME = 200;
    static final int MAX_CRON = 100;
    static final int MAX_RETRIES = 3;
    static final String BACKOFF = Backoff.linear(60);
    static final int TIMEOUT_SECONDS = 3600;

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final List<String> ANALYSIS_TARGETS = List.of("logs", "config", "performance", "security", "tables", "queries");
    private static final List<String> STRING_PARAMS = List.of("environment", "log_level", "log_source", "custom_sql", "output_format");
    private static final List<String> INT_PARAMS = List.of("time_range_hours", "query_timeout");
    private static final List<String> BOOL_PARAMS = List.of("check_performance", "check_security", "detailed_analysis");
    private static final List<String> LIST_PARAMS = List.of("config_sections", "target_tables");

    /** A validated create body. */
    record Create(String name, String taskType, long connectionId, String cron, String description, ObjectNode params,
                  boolean active) {
        NewSchedule toSchedule() {
            ObjectNode payload = Json.object().put("connection_id", connectionId);
            payload.set("params", params);
            return new NewSchedule(FACE, name, description, toCoxswainCron(cron), null, taskType, payload, 5,
                    List.of(RUN_TAG), MAX_RETRIES, BACKOFF, TIMEOUT_SECONDS, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW,
                    !active);
        }
    }

    /** A validated PUT body: null fields stay as they are. */
    record Update(String name, String cron, String description, ObjectNode params, Boolean active) {
        SchedulePatch toPatch(Schedule cur) {
            ObjectNode payload = null;
            if (params != null) {
                payload = Json.object();
                payload.set("connection_id", cur.payload().get("connection_id"));
                payload.set("params", params);
            }
            return new SchedulePatch(name, description, cron == null ? null : toCoxswainCron(cron), null, payload, null,
                    null, null, null, null, null, null,
                    active == null ? null : active ? ScheduleStatus.ACTIVE : ScheduleStatus.PAUSED);
        }
    }

    private SchedulerRequest() {
    }

    static Create create(JsonNode body) {
        Pydantic p = new Pydantic();
        if (!p.model(body, List.of("body"))) p.throwIfAny();
        String name = p.string(p.required(body, "name", loc("name")), loc("name"), MAX_NAME);
        String type = p.member(p.required(body, "task_type", loc("task_type")), loc("task_type"), TASK_TYPES);
        Long conn = nonNullInt(p, p.required(body, "connection_id", loc("connection_id")), loc("connection_id"));
        String cron = p.string(p.required(body, "cron_schedule", loc("cron_schedule")), loc("cron_schedule"), MAX_CRON);
        String description = optionalString(p, body.get("description"), loc("description"));
        ObjectNode params = params(p, body.get("task_params"));
        Boolean active = body.has("is_active") ? p.bool(body.get("is_active"), loc("is_active")) : Boolean.TRUE;
        p.throwIfAny();
        return new Create(name, type, conn, cron, description, params == null ? Json.object() : params, active);
    }

    static Update update(JsonNode body) {
        Pydantic p = new Pydantic();
        if (!p.model(body, List.of("body"))) p.throwIfAny();
        String name = optionalString(p, body.get("name"), loc("name"), MAX_NAME);
        String cron = optionalString(p, body.get("cron_schedule"), loc("cron_schedule"), MAX_CRON);
        String description = optionalString(p, body.get("description"), loc("description"));
        ObjectNode params = params(p, body.get("task_params"));
        JsonNode a = body.get("is_active");
        Boolean active = a == null || a.isNull() ? null : p.bool(a, loc("is_active"));
        p.throwIfAny();
        return new Update(name, cron, description, params, active);
    }

    private static Long nonNullInt(Pydantic p, JsonNode v, List<Object> loc) {
        return p.integer(v, loc);
    }

    private static String optionalString(Pydantic p, JsonNode v, List<Object> loc) {
        return optionalString(p, v, loc, 0);
    }

    private static String optionalString(Pydantic p, JsonNode v, List<Object> loc, int max) {
        return v == null || v.isNull() ? null : p.string(v, loc, max);
    }

    /**
     * TaskParameters: the known keys are type-checked (and coerced as Pydantic would); unknown
     * keys are kept as sent. Null or absent: null.
     */
    static ObjectNode params(Pydantic p, JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) {
            p.error("model_type", loc("task_params"), "Input should be a valid dictionary or instance of TaskParameters", v)
                    .putObject("ctx").put("class_name", "TaskParameters");
            return null;
        }
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            String k = e.getKey();
            JsonNode val = e.getValue();
            List<Object> l = List.of("body", "task_params", k);
            JsonNode stored = val;
            if (!val.isNull()) {
                if (STRING_PARAMS.contains(k)) p.string(val, l, 0);
                else if (INT_PARAMS.contains(k)) stored = Pydantic.canonical(p.integer(val, l));
                else if (BOOL_PARAMS.contains(k)) stored = Pydantic.canonical(p.bool(val, l));
                else if (k.equals("analysis_target")) p.member(val, l, ANALYSIS_TARGETS);
                else if (LIST_PARAMS.contains(k)) {
                    if (!val.isArray()) p.error("list_type", l, "Input should be a valid list", val);
                    else for (int i = 0; i < val.size(); i++) {
                        List<Object> li = new ArrayList<>(l);
                        li.add(i);
                        p.string(val.get(i), li, 0);
                    }
                }
            }
            out.set(k, stored);
        }
        return out;
    }

    /**
     * croniter's forms, in Coxswain's parser: 5 fields as they are, the {@code @hourly}…
     * {@code @yearly} aliases, and 6 fields with the seconds <em>last</em> (Coxswain reads
     * them first). Anything croniter does not know ({@code @every}, {@code CRON_TZ=}, 7 fields)
     * is refused with the original's 400.
     */
    static String toCoxswainCron(String cron) {
        String s = cron.strip();
        String[] t = s.isEmpty() ? new String[0] : WHITESPACE.split(s);
        String bad = "Некорректное cron выражение: " + cron;
        if (t.length == 0) throw SchedulerError.badRequest(bad);
        if (t[0].startsWith("@")) {
            if (t.length != 1 || t[0].equalsIgnoreCase("@every")) throw SchedulerError.badRequest(bad);
            return t[0];
        }
        if (s.startsWith("CRON_TZ=") || s.startsWith("TZ=")) throw SchedulerError.badRequest(bad);
        if (t.length == 5) return String.join(" ", t);
        if (t.length == 6) return t[5] + " " + String.join(" ", List.of(t).subList(0, 5));
        throw SchedulerError.badRequest(bad);
    }

    /** The stored expression as the client wrote it (6 fields: seconds back to the end). */
    static String fromCoxswainCron(String expression) {
        String[] t = WHITESPACE.split(expression.strip());
        if (t.length != 6) return expression;
        return String.join(" ", List.of(t).subList(1, 6)) + " " + t[0];
    }

    private static List<Object> loc(String field) {
        return List.of("body", field);
    }

    static TextNode text(String s) {
        return TextNode.valueOf(s);
    }

    static ArrayNode none() {
        return Json.MAPPER.createArrayNode();
    }
}
