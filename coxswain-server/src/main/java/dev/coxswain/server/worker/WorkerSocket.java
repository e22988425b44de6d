package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.remote.RemoteChannels;
import dev.coxswain.core.remote.RemoteWorkers;
import dev.coxswain.server.http.Bodies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One worker's WebSocket at {@code /_worker/ws/{worker_id}} (one listener per connection). The
 * worker is authenticated and charged to its rate limit before the upgrade, by WorkerApi's socket
 * gate (an HTTP filter), which answers the 403 or 429. Server → worker: {@code cancel_task} commands (through
 * {@link RemoteChannels}). Worker → server: event objects, handled like {@code POST /_worker/events}
 * (checked the same way); nothing is sent back for them.
 */
final class WorkerSocket implements WsListener {
    private static final Logger LOG = Logger.getLogger(WorkerSocket.class.getName());
    private static final int MAX_MESSAGE = 1 << 20;

    private final WorkerAuth auth;
    private final ZeroTrust zeroTrust;
    private final RemoteWorkers remote;
    private final RemoteChannels channels;
    private WorkerIdentity who;
    private RemoteChannels.PushChannel channel;
    private final StringBuilder partial = new StringBuilder();

    WorkerSocket(WorkerAuth auth, ZeroTrust zeroTrust, RemoteWorkers remote, RemoteChannels channels) {
        this.auth = auth;
        this.zeroTrust = zeroTrust;
        this.remote = remote;
        this.channels = channels;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        String path = prologue.uriPath().path();
        String id = path.substring(path.lastIndexOf('/') + 1);
        try {
            String token = headers.first(HeaderNames.create("X-Worker-Token")).orElse(null);
            // Refusals with the protocol's status (403, 429) happen before this, in WorkerApi's socket
            // gate; this learns who is connecting (and still refuses, with a bare 400, should the
            // credential have gone bad in between).
            this.who = auth.authenticate(token, id.isEmpty() ? null : id);
        } catch (WorkerError e) {
            throw new WsUpgradeException(e.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        if (who == null) {
            session.close(1008, "not authenticated");
            return;
        }
        channel = new RemoteChannels.PushChannel() {
            @Override
            public boolean send(String text) {
                try {
                    synchronized (session) {
                        session.send(text, true);
                    }
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            }

            @Override
            public boolean ping() {
                try {
                    synchronized (session) {
                        session.ping(io.helidon.common.buffers.BufferData.empty());
                    }
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            }

            @Override
            public void close(int code, String reason) {
                try {
                    session.close(code, reason);
                } catch (RuntimeException e) {
                    // already gone
                }
            }
        };
        channels.opened(who.workerId(), channel);
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (partial.length() + text.length() > MAX_MESSAGE) {
            partial.setLength(0);
            session.close(1009, "message too big");
            return;
        }
        partial.append(text);
        if (!last) return;
        String msg = partial.toString();
        partial.setLength(0);
        try {
            JsonNode body = Bodies.parse(msg.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (!body.isObject()) return;
            if (body.has("worker_id") && !who.workerId().equals(body.get("worker_id").asText())) return;
            zeroTrust.check(body, true, who);
            remote.event(who.workerId(), body);
        } catch (RuntimeException e) {
            // No reply channel for events: the protocol sends none. Log what was refused, never the body.
            LOG.log(Level.FINE, "event over the socket of " + who.workerId() + " refused: " + e.getMessage());
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        if (who != null && channel != null) channels.closed(who.workerId(), channel);
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        if (who != null && channel != null) channels.closed(who.workerId(), channel);
    }
}
