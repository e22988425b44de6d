package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The skills of the worker the SDK transcript was recorded with ({@code echo}, {@code sleep},
 * {@code fail}, {@code progress}), with the same names and descriptions, so the registration
 * body has the transcript's shape. A handler returns what an SDK handler returns: a dict read
 * through {@code data} (only that becomes the result data), {@code status}, {@code error},
 * {@code metadata}, {@code costs}; exceptions map to failure codes like the SDK maps them.
 */
final class ReplaySkills {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ReplaySkills() {
    }

    /** What a handler sees of its task. */
    interface TaskContext {
        TaskPayload payload();

        /** How many times this worker has been given this job (1 on the first attempt it sees). */
        int delivery();

        /** {@code send_progress}: a {@code progress} event, errors swallowed like the SDK does. */
        void sendProgress(double progress, String message);
    }

    @FunctionalInterface
    interface Handler {
        /** Interrupted (by a cancel) → the task ends {@code cancelled}. */
        ObjectNode run(TaskContext ctx) throws Exception;
    }

    record Skill(String name, String description, Handler handler) {
        /** The SkillInfo the SDK registers for a {@code params: dict} handler. */
        ObjectNode info() {
            ObjectNode n = NODES.objectNode();
            n.put("name", name);
            n.put("type", name);
            n.put("description", description);
            n.putObject("input_schema").put("type", "object");
            return n;
        }
    }

    /** Raised for {@code PERMANENT_ERROR} (never retried by the server). */
    static final class PermanentError extends Exception {
        PermanentError(String message) {
            super(message);
        }
    }

    /** The SDK's {@code ParamValidationError}: {@code INVALID_INPUT_ERROR}. */
    static final class InvalidInput extends Exception {
        InvalidInput(String message) {
            super(message);
        }
    }

    static Map<String, Skill> builtIns() {
        Map<String, Skill> m = new LinkedHashMap<>();
        m.put("echo", new Skill("echo", "Returns its params unchanged.", ReplaySkills::echo));
        m.put("sleep", new Skill("sleep",
                "Sleeps params.seconds; cancellation (heartbeat cancel_task_ids or WS cancel_task) aborts it.", ReplaySkills::sleep));
        m.put("fail", new Skill("fail", "Fails: transient (default), permanent or invalid-input, per params.mode.",
                ReplaySkills::fail));
        m.put("progress", new Skill("progress", "Sends params.steps progress events (progress in 0..1) then succeeds.",
                ReplaySkills::progress));
        return m;
    }

    static ObjectNode data(JsonNode data) {
        ObjectNode out = NODES.objectNode();
        out.set("data", data.deepCopy());
        return out;
    }

    private static ObjectNode echo(TaskContext ctx) {
        return data(ctx.payload().params());
    }

    private static ObjectNode sleep(TaskContext ctx) throws InterruptedException {
        double seconds = ctx.payload().params().path("seconds").asDouble(1.0);
        Thread.sleep(Math.round(seconds * 1000));
        return data(NODES.objectNode().put("slept", seconds));
    }

    /**
     * Fails as {@code params.mode} says. {@code params.fail_times} (a replay extension, default:
     * always) fails only the first n deliveries of the job to this worker and then echoes the
     * params, so a test can watch a retry succeed.
     */
    private static ObjectNode fail(TaskContext ctx) throws Exception {
        JsonNode p = ctx.payload().params();
        if (p.has("fail_times") && ctx.delivery() > p.path("fail_times").asInt()) return data(p);
        String message = p.path("message").asText("boom");
        switch (p.path("mode").asText("transient")) {
            case "permanent" -> throw new PermanentError(message);
            case "invalid" -> throw new InvalidInput(message);
            default -> throw new RuntimeException(message);
        }
    }

    /** {@code params.steps} events "step i/n" with progress i/n, {@code params.delay} s apart, then success. */
    private static ObjectNode progress(TaskContext ctx) throws InterruptedException {
        JsonNode p = ctx.payload().params();
        int steps = p.path("steps").asInt(2);
        long delayMs = Math.round(p.path("delay").asDouble(0.1) * 1000);
        for (int i = 1; i <= steps; i++) {
            ctx.sendProgress((double) i / steps, "step " + i + "/" + steps);
            Thread.sleep(delayMs);
        }
        return data(NODES.objectNode().put("steps", steps));
    }
}
