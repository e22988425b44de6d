package dev.coxswain.server.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.worker.CoxswainWorker;
import dev.coxswain.worker.TaskContext;
import dev.coxswain.worker.TaskFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The skills the workflow process tests' workers offer, the same in a worker process
 * ({@link WorkflowWorkerMain}) and in a worker inside the test JVM. Every handler records its
 * start and end in the worker's {@link StepRecords}, keyed by the params {@code job} and
 * {@code state} that the blueprints pass ({@code "{{ job_id }}"}).
 *
 * <ul>
 * <li>{@code double} and {@code hold}: {@code {"n": 2n, "<state>_by": worker}}. With a {@code gate}
 * (a file path) the handler first waits until that file exists (or the task is cancelled): a step
 * the test holds "running" until it says go. {@code hold} is the same handler under a second
 * name, so a test can give one worker the held step alone.</li>
 * <li>{@code size}: {@code {"size": length of params.url, "i": params.i, "by": worker}}, a
 * parallel branch.</li>
 * </ul>
 */
final class WorkflowSkills {
    /** How often a held step looks for its gate file. */
    private static final Duration GATE_POLL = Duration.ofMillis(20);

    private final String worker;
    private final StepRecords records;

    WorkflowSkills(String worker, StepRecords records) {
        this.worker = worker;
        this.records = records;
    }

    /** Adds the named skills ({@code double}, {@code hold}, {@code size}) to {@code b}. */
    CoxswainWorker.Builder offer(CoxswainWorker.Builder b, String... skills) {
        for (String s : skills) {
            switch (s) {
                case "double", "hold" -> b.skill(s, "doubles params.n (waits for params.gate first)", this::doubleIt);
                case "size" -> b.skill(s, "length of params.url", this::size);
                default -> throw new IllegalArgumentException("no skill " + s);
            }
        }
        return b;
    }

    private Object doubleIt(TaskContext ctx) {
        JsonNode p = ctx.params();
        String job = text(p, "job");
        String state = text(p, "state");
        records.append("start", worker, job, state, ctx.coxswainTask(), ctx.attempt());
        String gate = p.path("gate").asText("");
        if (!gate.isEmpty()) {
            while (!Files.exists(Path.of(gate))) {
                if (ctx.awaitCancellation(GATE_POLL)) {
                    records.append("cancelled", worker, job, state, ctx.coxswainTask(), ctx.attempt());
                    return null; // ignored: the server has taken the task back
                }
            }
        }
        records.append("done", worker, job, state, ctx.coxswainTask(), ctx.attempt());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n", p.path("n").asLong() * 2);
        out.put(state + "_by", worker);
        return out;
    }

    private Object size(TaskContext ctx) {
        JsonNode p = ctx.params();
        String job = text(p, "job");
        String state = text(p, "state") + "[" + p.path("i").asInt() + "]";
        records.append("start", worker, job, state, ctx.coxswainTask(), ctx.attempt());
        records.append("done", worker, job, state, ctx.coxswainTask(), ctx.attempt());
        return Map.of("size", p.path("url").asText().length(), "i", p.path("i").asInt(), "by", worker);
    }

    private static String text(JsonNode p, String field) {
        String v = p.path(field).asText("");
        if (v.isEmpty() || v.contains(" ")) throw TaskFailure.invalidInput("params." + field + " must be a word");
        return v;
    }
}
