package dev.coxswain.server.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionControl;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.ShellExecutor;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.worker.TaskContext;
import dev.coxswain.worker.TaskFailure;
import dev.coxswain.worker.TaskHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code shell} skill of {@code coxswain worker}: the same {@link ShellExecutor} the server's
 * local worker uses, so a command run on another machine follows the same rules — its own process
 * group killed as a tree on cancel and timeout, the group killed when the worker process dies
 * (the wrapper's watcher), stdout lines logged at info and stderr at error, bounded stdout as the
 * result. The result data is {@code {"stdout", "exit_code"}}, which the server turns back into the
 * task's result text and exit code; a failure carries the same in its error details.
 */
public final class ShellSkill implements TaskHandler {
    private final ShellExecutor shell;
    private final Clock clock;

    public ShellSkill(ShellExecutor shell, Clock clock) {
        this.shell = shell;
        this.clock = clock;
    }

    @Override
    public Object handle(TaskContext ctx) throws Exception {
        JsonNode payload = ctx.params();
        if (!payload.path("command").isTextual() || payload.get("command").asText().isBlank()) {
            throw TaskFailure.invalidInput("params.command is required for a shell task");
        }
        ExecutionControl control = new ExecutionControl();
        Thread watch = watch(ctx, control);
        ExecutionResult r;
        try {
            Map<String, String> env = ctx.checkpoint() == null ? Map.of() : Map.of("CHECKPOINT_DATA", ctx.checkpoint().toString());
            r = shell.execute(new ExecutionContext(numericId(ctx.coxswainTask()), ctx.attempt(), payload, env,
                    (level, msg) -> ctx.log(level(level), msg), control));
        } catch (InterruptedException e) {
            // Cancelled (or handed back at shutdown): the process tree goes with it.
            control.stop(StopReason.CANCELLED);
            throw e;
        } finally {
            watch.interrupt();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("stdout", r.result() == null ? "" : r.result());
        data.put("exit_code", r.exitCode());
        if (control.stopReason() == StopReason.TIMED_OUT) {
            long s = ctx.deadline() == null ? 0 : Math.max(0, Duration.between(startOf(ctx), ctx.deadline()).toSeconds());
            throw new TaskFailure("TIMEOUT_ERROR", "Task timed out" + (s > 0 ? " after " + s + " s" : "")
                    + "; its process tree was killed", data, null);
        }
        if (control.stopReason() == StopReason.CANCELLED) throw new InterruptedException("cancelled");
        if (r.success()) return data;
        throw new TaskFailure(r.permanent() ? "PERMANENT_ERROR" : "TRANSIENT_ERROR", r.error(), data, null);
    }

    /**
     * Stops the command at the task's deadline (its timeout, as the server computed it) and when
     * the task is cancelled; ends when the handler interrupts it.
     */
    private Thread watch(TaskContext ctx, ExecutionControl control) {
        return Thread.ofVirtual().name("shell-watch-" + ctx.taskId()).start(() -> {
            Instant deadline = ctx.deadline();
            while (!Thread.currentThread().isInterrupted()) {
                Duration left = deadline == null ? Duration.ofMinutes(1) : Duration.between(clock.instant(), deadline);
                if (deadline != null && !left.isPositive()) {
                    control.stop(StopReason.TIMED_OUT);
                    return;
                }
                Duration step = left.compareTo(Duration.ofMillis(200)) > 0 ? Duration.ofMillis(200) : left;
                if (ctx.awaitCancellation(step)) {
                    control.stop(StopReason.CANCELLED);
                    return;
                }
            }
        });
    }

    private Instant startOf(TaskContext ctx) {
        long timeout = ctx.metadata().path("timeout_seconds").asLong(0);
        return ctx.deadline() == null ? clock.instant() : ctx.deadline().minusSeconds(timeout);
    }

    private static long numericId(String ref) {
        if (ref == null || !ref.startsWith("task-")) return 0;
        try {
            return Long.parseLong(ref.substring(5));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static dev.coxswain.worker.LogLevel level(LogLevel l) {
        return switch (l) {
            case ERROR -> dev.coxswain.worker.LogLevel.ERROR;
            case WARN -> dev.coxswain.worker.LogLevel.WARN;
            default -> dev.coxswain.worker.LogLevel.INFO;
        };
    }
}
