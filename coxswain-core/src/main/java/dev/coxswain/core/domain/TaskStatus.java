package dev.coxswain.core.domain;

import java.util.Locale;

/**
 * Task lifecycle: {@code pending} (waiting for its time or its dependencies) → {@code queued}
 * (due, waiting for a worker) → {@code running} → {@code completed} | {@code failed} |
 * {@code cancelled}. A failed attempt with retries left goes back to {@code pending} with a delay.
 */
public enum TaskStatus {
    PENDING, QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** @return the status for a wire name, or null when unknown */
    public static TaskStatus fromWire(String s) {
        if (s == null) return null;
        for (TaskStatus t : values()) if (t.wire().equals(s.toLowerCase(Locale.ROOT))) return t;
        return null;
    }
}
