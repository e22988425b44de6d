package dev.coxswain.server.http;

import java.time.Duration;

/**
 * What one HTTP connection may cost the server.
 *
 * @param headerTimeout  how long a request's line and headers may take to arrive, from its first
 *                       byte; a client trickling them (slowloris) is disconnected after this
 * @param idleTimeout    how long a read may wait for the client's next byte: an idle keep-alive
 *                       connection, a silent new one, or a stalled body is closed after this
 * @param maxConnections connections served at once; further ones wait in the accept backlog
 */
public record ConnectionLimits(Duration headerTimeout, Duration idleTimeout, int maxConnections) {
    public static final int HEADER_TIMEOUT_SECONDS = 20;
    public static final int IDLE_TIMEOUT_SECONDS = 60;
    public static final int MAX_CONNECTIONS = 2048;

    public static ConnectionLimits defaults() {
        return new ConnectionLimits(Duration.ofSeconds(HEADER_TIMEOUT_SECONDS), Duration.ofSeconds(IDLE_TIMEOUT_SECONDS),
                MAX_CONNECTIONS);
    }
}
