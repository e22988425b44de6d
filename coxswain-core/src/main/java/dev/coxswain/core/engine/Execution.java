package dev.coxswain.core.engine;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.exec.ExecutionControl;
import java.time.Instant;

/** One attempt running on this node's local worker. */
public record Execution(Task task, ExecutionControl control, Instant startedAt, Instant deadline) {
}
