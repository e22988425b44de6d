package dev.coxswain.core.remote;

import java.time.Duration;

/**
 * Settings of the remote-worker protocol.
 *
 * @param ttl          a remote worker silent this long goes offline and loses its attempts; also the
 *                     lease of a remote attempt, renewed by heartbeats, results and events
 * @param maxPoll      the longest a long poll is held (the SDK gives up after its timeout + 5 s)
 * @param missingGrace a task the store says a worker runs, started longer ago than this, that the
 *                     worker's heartbeat does not list, was lost on the way (its poll answer never
 *                     arrived, or the worker forgot it): the attempt counts as failed
 * @param socketPing   how often open worker sockets are pinged (below the HTTP idle timeout)
 */
public record RemoteSettings(Duration ttl, Duration maxPoll, Duration missingGrace, Duration socketPing) {
    public RemoteSettings(Duration ttl, Duration maxPoll, Duration missingGrace) {
        this(ttl, maxPoll, missingGrace, Duration.ofSeconds(20));
    }

    public static RemoteSettings defaults() {
        return new RemoteSettings(Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(20));
    }

    public RemoteSettings withTtl(Duration t) {
        return new RemoteSettings(t, maxPoll, missingGrace, socketPing);
    }
}
