package dev.coxswain.core.node;

import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.TaskExecutor;
import dev.coxswain.core.store.SealedEnv;

/**
 * Opens a task's sealed {@code env} just before its executor runs, so the clear values exist
 * only in memory for the attempt and executors never see the stored form.
 */
final class UnsealingExecutor implements TaskExecutor {
    private final TaskExecutor inner;
    private final SealedEnv env;

    UnsealingExecutor(TaskExecutor inner, SealedEnv env) {
        this.inner = inner;
        this.env = env;
    }

    @Override
    public String type() {
        return inner.type();
    }

    @Override
    public ExecutionResult execute(ExecutionContext ctx) throws InterruptedException {
        ExecutionContext open;
        try {
            open = ctx.withPayload(env.open(ctx.payload()));
        } catch (IllegalStateException e) {
            return ExecutionResult.failed(null, null, "the task's environment cannot be decrypted with this server's secret key");
        }
        return inner.execute(open);
    }
}
