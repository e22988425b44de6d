package dev.coxswain.server.chadburn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.Task;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Function;

/** Chadburn's JSON: jobs, executions, {@code {data}} and {@code {data, pagination}}; times RFC 3339 UTC. */
final class ChadburnJson {
    static final String JOB = "job-";
    static final String EXEC = "exec-";

    private ChadburnJson() {
    }

    static String time(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    static ObjectNode job(Schedule s) {
        JsonNode p = s.payload();
        ObjectNode n = Json.object();
        n.put("id", JOB + s.id());
        n.put("name", s.name());
        n.put("schedule", s.expression());
        n.put("command", p.path("command").asText());
        n.put("status", s.status().wire());
        n.set("tags", Json.MAPPER.valueToTree(s.tags()));
        n.put("timeout", s.timeoutSeconds());
        n.put("retries", s.maxRetries());
        n.put("retry_delay", retryDelay(s.backoff()));
        ObjectNode env = n.putObject("environment");
        // Every value is a secret as far as responses go: the names are shown, never the values.
        ChadburnJobRequest.storedEnv(p).keySet().forEach(k -> env.put(k, ChadburnJobRequest.MASK));
        n.put("working_directory", p.path("working_directory").textValue());
        n.put("allow_overlapping", s.overlap() == OverlapPolicy.ALLOW);
        n.put("timezone", s.timezone());
        n.put("created_at", time(s.createdAt()));
        n.put("updated_at", time(s.updatedAt()));
        n.put("next_run", time(s.nextRunAt()));
        return n;
    }

    /** The job with its {@code last_run}, as GET by id shows it. */
    static ObjectNode jobDetail(Schedule s, ScheduleRun last) {
        ObjectNode n = job(s);
        if (last == null) {
            n.putNull("last_run");
        } else {
            ObjectNode l = n.putObject("last_run");
            l.put("status", status(last));
            l.put("started_at", time(startedAt(last)));
            l.put("finished_at", time(last.task().completedAt()));
            putInt(l, "exit_code", last.task().exitCode());
            l.put("output", output(last.task()));
        }
        n.put("next_run", time(s.nextRunAt()));
        return n;
    }

    static ObjectNode execution(ScheduleRun r, long jobId) {
        Task t = r.task();
        ObjectNode n = Json.object();
        n.put("id", EXEC + t.id());
        n.put("job_id", JOB + jobId);
        n.put("status", status(r));
        n.put("started_at", time(startedAt(r)));
        n.put("finished_at", time(t.completedAt()));
        if (t.startedAt() != null && t.completedAt() != null) {
            n.put("duration", Math.max(0, Duration.between(t.startedAt(), t.completedAt()).toSeconds()));
        } else if (r.skipped()) {
            n.put("duration", 0);
        } else {
            n.putNull("duration");
        }
        putInt(n, "exit_code", t.exitCode());
        n.put("output", output(t));
        n.put("error", t.error());
        n.put("retry_count", t.retryCount());
        return n;
    }

    /** When the run started; a skipped slot never ran, so its record's creation stands in. */
    private static Instant startedAt(ScheduleRun r) {
        Task t = r.task();
        return t.startedAt() != null ? t.startedAt() : r.skipped() ? t.createdAt() : null;
    }

    static String status(ScheduleRun r) {
        return r.outcome().name().toLowerCase(Locale.ROOT);
    }

    private static String output(Task t) {
        return t.result() == null ? "" : t.result();
    }

    private static void putInt(ObjectNode n, String k, Integer v) {
        if (v == null) n.putNull(k);
        else n.put(k, v);
    }

    static int retryDelay(String backoff) {
        if (backoff != null && backoff.startsWith("fixed:")) {
            try {
                return Integer.parseInt(backoff.substring(6));
            } catch (NumberFormatException e) {
                return ChadburnJobRequest.DEFAULT_RETRY_DELAY;
            }
        }
        return ChadburnJobRequest.DEFAULT_RETRY_DELAY;
    }

    static ObjectNode data(JsonNode d) {
        ObjectNode n = Json.object();
        n.set("data", d);
        return n;
    }

    static <T> ObjectNode page(Page<T> p, Function<T, ? extends JsonNode> render, int limit, int offset) {
        ObjectNode n = Json.object();
        n.set("data", Json.MAPPER.valueToTree(p.items().stream().map(render).toList()));
        n.putObject("pagination").put("total", p.total()).put("limit", limit).put("offset", offset);
        return n;
    }
}
