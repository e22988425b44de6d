package dev.coxswain.core.engine;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.TaskExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A test executor driven by its payload, recording every start and finish in one global order:
 * <ul>
 *   <li>{@code fail_attempts} — attempts numbered up to this one fail (so {@code 2} = fails twice,
 *       then succeeds); the attempt number is the engine's, so lost leases count too;</li>
 *   <li>{@code sleep_ms} — how long each attempt takes (real time);</li>
 *   <li>{@code lines} — how many output lines to log ({@code line 1}, {@code line 2}, …).</li>
 * </ul>
 */
final class ScriptedExecutor implements TaskExecutor {
    enum Kind { START, FINISH }

    /** One recorded step; {@code seq} orders all steps of all tasks. */
    record Step(long seq, Kind kind, long taskId, int attempt) {
    }

    private final String type;
    private final AtomicLong seq = new AtomicLong();
    private final List<Step> steps = new ArrayList<>();
    /** Runs at the start of every attempt, on the attempt's thread. */
    volatile Consumer<ExecutionContext> onStart = ctx -> { };

    ScriptedExecutor(String type) {
        this.type = type;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public ExecutionResult execute(ExecutionContext ctx) throws InterruptedException {
        record(Kind.START, ctx);
        onStart.accept(ctx);
        var p = ctx.payload();
        long sleep = p == null ? 0 : p.path("sleep_ms").asLong(0);
        int failAttempts = p == null ? 0 : p.path("fail_attempts").asInt(0);
        int lines = p == null ? 0 : p.path("lines").asInt(0);
        for (int i = 1; i <= lines; i++) ctx.log().line(LogLevel.INFO, "line " + i);
        if (sleep > 0) Thread.sleep(sleep);
        boolean fail = ctx.attempt() <= failAttempts;
        record(Kind.FINISH, ctx);
        return fail ? ExecutionResult.failed(1, null, "scripted failure on attempt " + ctx.attempt())
                : ExecutionResult.ok(0, "done on attempt " + ctx.attempt());
    }

    private synchronized void record(Kind kind, ExecutionContext ctx) {
        steps.add(new Step(seq.incrementAndGet(), kind, ctx.taskId(), ctx.attempt()));
    }

    synchronized List<Step> steps() {
        return List.copyOf(steps);
    }

    synchronized List<Step> steps(long taskId) {
        return steps.stream().filter(s -> s.taskId() == taskId).toList();
    }

    /** How many attempts of this task were started here. */
    synchronized long starts(long taskId) {
        return steps.stream().filter(s -> s.taskId() == taskId && s.kind() == Kind.START).count();
    }

    synchronized Step step(Kind kind, long taskId) {
        return steps.stream().filter(s -> s.taskId() == taskId && s.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " recorded for task-" + taskId + "; steps: " + steps));
    }
}
