package dev.coxswain.core.workflow;

import java.util.Locale;

/**
 * The statuses of a workflow job, as the orchestrator protocol spells them. {@code cancelled} is
 * final here (the original lets a late result revive a cancelled job, which the research file
 * lists as a defect).
 */
public enum JobStatus {
    PENDING, RUNNING, WAITING_FOR_WORKER, WAITING_FOR_HUMAN, WAITING_FOR_PARALLEL_TASKS, WAITING_FOR_SUB_JOB,
    FINISHED, FAILED, CANCELLED, QUARANTINED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean terminal() {
        return this == FINISHED || this == FAILED || this == CANCELLED || this == QUARANTINED;
    }

    /** @return the status for a wire name, or null */
    public static JobStatus fromWire(String s) {
        if (s == null) return null;
        for (JobStatus v : values()) if (v.wire().equals(s)) return v;
        return null;
    }
}
