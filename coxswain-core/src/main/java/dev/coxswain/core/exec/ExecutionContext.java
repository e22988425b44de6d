package dev.coxswain.core.exec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Everything an executor gets for one attempt of one task.
 *
 * @param taskId   the task's numeric id
 * @param attempt  1 for the first run, 2 for the first retry …
 * @param payload  the task's type-specific payload (for {@code shell}: {@code {"command": "…"}})
 * @param env      extra environment variables for the attempt (e.g. CHECKPOINT_DATA)
 * @param log      sink for log lines (stdout → info, stderr → error for shell)
 * @param control  stop handle; the executor registers its kill action with {@link ExecutionControl#onStop}
 * @param processes where an executor that starts processes records their group before it runs
 */
public record ExecutionContext(long taskId, int attempt, JsonNode payload, Map<String, String> env,
                               LogSink log, ExecutionControl control, ProcessLedger processes) {
    /** An attempt whose processes are not recorded anywhere. */
    public ExecutionContext(long taskId, int attempt, JsonNode payload, Map<String, String> env, LogSink log,
                            ExecutionControl control) {
        this(taskId, attempt, payload, env, log, control, ProcessLedger.NONE);
    }

    /** The same attempt with another payload (e.g. its secrets opened); everything else, the ledger too, kept. */
    public ExecutionContext withPayload(JsonNode other) {
        return new ExecutionContext(taskId, attempt, other, env, log, control, processes);
    }
}
