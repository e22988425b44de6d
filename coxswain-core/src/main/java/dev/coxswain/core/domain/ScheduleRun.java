package dev.coxswain.core.domain;

import java.time.Instant;

/**
 * One run of a schedule: its task, the slot it fired for (null for a manual run), and whether the
 * slot was skipped because the previous run was still going (overlap policy {@code forbid}).
 */
public record ScheduleRun(Task task, Instant slotAt, boolean skipped) {
    /** The run as the Chadburn face counts it. */
    public enum Outcome { IN_PROGRESS, SUCCESS, FAILURE, SKIPPED }

    public Outcome outcome() {
        if (skipped) return Outcome.SKIPPED;
        return switch (task.status()) {
            case PENDING, QUEUED, RUNNING -> Outcome.IN_PROGRESS;
            case COMPLETED -> Outcome.SUCCESS;
            case FAILED, CANCELLED -> Outcome.FAILURE;
        };
    }
}
