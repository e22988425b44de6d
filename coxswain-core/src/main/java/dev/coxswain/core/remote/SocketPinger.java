package dev.coxswain.core.remote;

import dev.coxswain.core.runtime.Duty;
import java.time.Duration;

/** Pings the open worker sockets of this node at a fixed interval (see {@link RemoteChannels#pingAll}). */
public final class SocketPinger implements Duty {
    private final RemoteChannels channels;
    private final Duration every;

    public SocketPinger(RemoteChannels channels, Duration every) {
        this.channels = channels;
        this.every = every;
    }

    @Override
    public String name() {
        return "socket-pinger";
    }

    @Override
    public Duration runOnce() {
        channels.pingAll();
        return every;
    }
}
