package dev.coxswain.core.service;

import java.time.Instant;

/** The caller's monthly job quota is used up; it resets at the start of the next month (UTC). */
public class QuotaExceededException extends RuntimeException {
    private final int quota;
    private final String period;
    private final Instant resetsAt;

    public QuotaExceededException(int quota, String period, Instant resetsAt) {
        super("monthly job quota of " + quota + " is used up for " + period + "; it resets at " + resetsAt);
        this.quota = quota;
        this.period = period;
        this.resetsAt = resetsAt;
    }

    public int quota() {
        return quota;
    }

    /** The month ({@code YYYY-MM}, UTC) whose quota is used up. */
    public String period() {
        return period;
    }

    public Instant resetsAt() {
        return resetsAt;
    }
}
