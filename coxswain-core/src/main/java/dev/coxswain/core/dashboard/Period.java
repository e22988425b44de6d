package dev.coxswain.core.dashboard;

import java.time.Duration;

/** The span of a throughput chart: the last hour in minutes, or the last day in quarter hours. */
public enum Period {
    HOUR(Duration.ofMinutes(1), 60),
    DAY(Duration.ofMinutes(15), 96);

    private final Duration bucket;
    private final int buckets;

    Period(Duration bucket, int buckets) {
        this.bucket = bucket;
        this.buckets = buckets;
    }

    public Duration bucket() {
        return bucket;
    }

    public int buckets() {
        return buckets;
    }
}
