package dev.coxswain.core.dashboard;

import java.time.Duration;
import java.time.Instant;

/**
 * Tasks that finished in each bucket of a period, by completed_at: bucket {@code i} covers
 * {@code [from + i·bucket, from + (i+1)·bucket)}; the last one holds the clock's current time.
 * Buckets start at multiples of their length since the epoch (whole minutes, quarter hours UTC).
 */
public record Series(Period period, Instant from, Duration bucket, long[] completed, long[] failed, long[] cancelled) {
}
