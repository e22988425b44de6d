package dev.coxswain.server.ratelimit;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Tier;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets (Bucket4j): one per principal, sized by its tier, and one per client address for
 * requests without a valid credential. A bucket holds a minute's worth of requests and refills
 * continuously, so a client may burst up to its limit and then proceeds at the sustained rate.
 * Principals of the {@code unlimited} tier are not limited (and get no headers).
 */
public final class RateLimiter {
    /** Above this many buckets, full (idle) ones are dropped: their state equals a fresh bucket's. */
    private static final int PRUNE_ABOVE = 50_000;
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final Map<Tier, Integer> perMinute;
    private final int anonymousPerMinute;
    private final Clock clock;
    private final TimeMeter meter;
    private final ConcurrentHashMap<String, Limited> buckets = new ConcurrentHashMap<>();

    /**
     * @param perMinute          requests per minute by tier ({@code unlimited} is ignored)
     * @param anonymousPerMinute requests per minute per client address without a valid credential
     */
    public RateLimiter(Map<Tier, Integer> perMinute, int anonymousPerMinute, Clock clock) {
        this.perMinute = new EnumMap<>(perMinute);
        this.anonymousPerMinute = anonymousPerMinute;
        this.clock = clock;
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.millis() * 1_000_000L;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    /**
     * The outcome of one request against its bucket.
     *
     * @param resetEpochSeconds when the bucket is full again
     * @param retryAfterSeconds when refused: seconds until one request is allowed (at least 1)
     */
    public record Decision(boolean allowed, long limit, long remaining, long resetEpochSeconds, long retryAfterSeconds) {
    }

    /** @return the decision, or null when the principal is not rate-limited */
    public Decision forPrincipal(Principal p) {
        if (p.tier() == Tier.UNLIMITED) return null;
        Integer limit = perMinute.get(p.tier());
        if (limit == null || limit <= 0) return null;
        return take("p:" + p.id(), limit);
    }

    /** For a request without a valid credential, keyed by the client's address. */
    public Decision forAddress(String address) {
        if (anonymousPerMinute <= 0) return null;
        return take("a:" + address, anonymousPerMinute);
    }

    /**
     * A bucket of its own for {@code key} (a worker's messages of one type, say), sized
     * {@code perMinute}. @return the decision, or null when {@code perMinute} is 0 (not limited)
     */
    public Decision forKey(String key, int perMinute) {
        if (perMinute <= 0) return null;
        return take("k:" + key, perMinute);
    }

    private Decision take(String key, int limit) {
        if (buckets.size() > PRUNE_ABOVE) prune();
        Limited l = buckets.compute(key, (k, cur) -> cur != null && cur.limit == limit ? cur : new Limited(limit, newBucket(limit)));
        ConsumptionProbe probe = l.bucket.tryConsumeAndReturnRemaining(1);
        long nowMs = clock.millis();
        long resetSec = ceilSeconds(nowMs * 1_000_000L + probe.getNanosToWaitForReset());
        if (probe.isConsumed()) return new Decision(true, limit, probe.getRemainingTokens(), resetSec, 0);
        long retry = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return new Decision(false, limit, 0, resetSec, retry);
    }

    private Bucket newBucket(int limit) {
        return Bucket.builder()
                .addLimit(b -> b.capacity(limit).refillGreedy(limit, WINDOW))
                .withCustomTimePrecision(meter)
                .build();
    }

    private void prune() {
        buckets.entrySet().removeIf(e -> e.getValue().bucket.getAvailableTokens() >= e.getValue().limit);
    }

    private static long ceilSeconds(long epochNanos) {
        return (epochNanos + 999_999_999L) / 1_000_000_000L;
    }

    private record Limited(int limit, Bucket bucket) {
    }
}
