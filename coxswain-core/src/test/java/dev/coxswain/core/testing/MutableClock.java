package dev.coxswain.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test moves it. Time-dependent logic (backoff, leases,
 * scheduled_at, liveness) is tested by advancing this instead of sleeping.
 */
public final class MutableClock extends Clock {
    private volatile Instant now;
    private final ZoneId zone;

    public MutableClock(Instant start) {
        this(start, ZoneOffset.UTC);
    }

    public MutableClock(Instant start, ZoneId zone) {
        this.now = start;
        this.zone = zone;
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    public synchronized void set(Instant t) {
        now = t;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
        return new Clock() {
            @Override public ZoneId getZone() { return z; }
            @Override public Clock withZone(ZoneId other) { return MutableClock.this.withZone(other); }
            @Override public Instant instant() { return MutableClock.this.instant(); }
        };
    }
}
