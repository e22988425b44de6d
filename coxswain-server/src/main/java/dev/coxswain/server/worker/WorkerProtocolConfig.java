package dev.coxswain.server.worker;

import java.time.Duration;

/**
 * Settings of the {@code /_worker} face.
 *
 * @param ttl              a remote worker silent this long goes offline and loses its attempts
 * @param maxPoll          the longest a long poll is held
 * @param signatures       whether bodies must be signed (the protocol's zero-trust rule); when off, a
 *                         signature that is present is still checked
 * @param timestampWindow  how far a body's {@code timestamp} may be from the server's clock
 * @param pollPerMinute    polls per worker per minute (0: unlimited)
 * @param heartbeatPerMinute heartbeats per worker per minute (0: unlimited)
 * @param otherPerMinute   other messages (register, result, event, token, socket) per worker per minute
 */
public record WorkerProtocolConfig(Duration ttl, Duration maxPoll, boolean signatures, Duration timestampWindow,
                                   int pollPerMinute, int heartbeatPerMinute, int otherPerMinute) {
    /**
     * Defaults. The orchestrator allows 60 polls a minute, which a worker draining a queue meets in
     * a second; these are high enough never to slow a healthy worker, and still stop a runaway one.
     */
    public static WorkerProtocolConfig defaults() {
        return new WorkerProtocolConfig(Duration.ofSeconds(60), Duration.ofSeconds(30), true, Duration.ofSeconds(60),
                60_000, 600, 60_000);
    }
}
