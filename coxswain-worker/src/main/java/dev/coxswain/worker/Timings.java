package dev.coxswain.worker;

import java.time.Duration;

/**
 * The SDK's retry and pacing delays. Not public: the defaults are the protocol's; tests shrink
 * them so that a whole retry sequence runs in milliseconds.
 *
 * @param registrationRetry   first wait after a failed registration (doubles: 2, 4, 8 … s)
 * @param registrationRetryMax cap of that wait
 * @param rateLimitFloor      wait after a 429 that named no Retry-After
 * @param pollBackoff         first wait after a poll failed on the network (doubles)
 * @param pollBackoffMax      cap of that wait
 * @param heartbeatRetryMax   cap of the doubling wait after a failed heartbeat
 * @param heartbeatCooldown   least time between two heartbeats sent for task starts and ends
 * @param resultTries         how often a result is tried before it is dropped
 * @param resultRetry         first wait between result tries (doubles)
 * @param logBatch            least time between two log events of a task
 * @param socketRetry         first wait before reconnecting the WebSocket (doubles)
 * @param socketRetryMax      cap of that wait
 * @param requestTimeout      timeout of every request but the long poll
 * @param resultDrain         how long close() waits for handed-back tasks to post their results
 */
record Timings(
        Duration registrationRetry,
        Duration registrationRetryMax,
        Duration rateLimitFloor,
        Duration pollBackoff,
        Duration pollBackoffMax,
        Duration heartbeatRetryMax,
        Duration heartbeatCooldown,
        int resultTries,
        Duration resultRetry,
        Duration logBatch,
        Duration socketRetry,
        Duration socketRetryMax,
        Duration requestTimeout,
        Duration resultDrain) {

    static Timings defaults() {
        return new Timings(
                Duration.ofSeconds(2), Duration.ofSeconds(60),
                Duration.ofSeconds(30),
                Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                Duration.ofSeconds(2),
                5, Duration.ofSeconds(1),
                Duration.ofMillis(200),
                Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10));
    }
}
