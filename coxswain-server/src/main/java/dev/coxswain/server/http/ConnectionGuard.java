package dev.coxswain.server.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.http.DirectTransportRequest;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's HTTP/1 connections, below the API faces: Helidon's HTTP/1 handling with what it
 * lacks added around it.
 * <ul>
 *   <li>HTTP/1.0 is answered (Helidon refuses it with 505); see {@link Http10Head}.</li>
 *   <li>A request head must arrive within {@link ConnectionLimits#headerTimeout()} of its first
 *       byte, or the connection is dropped (slowloris); a watchdog checks a few times per timeout.</li>
 *   <li>Every read waits at most {@link ConnectionLimits#idleTimeout()} ({@code SO_TIMEOUT}), so
 *       idle and silent connections are closed; {@link #applyTo} sets it on each socket.</li>
 *   <li>A negative {@code Content-Length} is 400 at once: Helidon took it for "no length" and
 *       waited for a body that never ends.</li>
 * </ul>
 * Install it with {@link #applyTo}: it must come first among the listener's connection selectors
 * (it claims every HTTP/1.x request), and the idle timeout needs the listener's socket settings.
 */
public final class ConnectionGuard implements ServerConnectionSelector, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    private static final int MAX_PROLOGUE = 2048;

    private final ConnectionLimits limits;
    private final Http1ConnectionSelector http1;
    private final Set<GuardedConnection> live = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog;

    public ConnectionGuard(ConnectionLimits limits) {
        this.limits = limits;
        this.http1 = Http1ConnectionSelector.builder()
                .config(Http1Config.builder().maxPrologueLength(MAX_PROLOGUE).addReceiveListener(new Listener()).build())
                // The worker protocol's WebSocket (/_worker/ws/{id}); the default selector would
                // find the upgrader itself, this one is built by hand.
                .addUpgrader(io.helidon.webserver.websocket.WsUpgrader.create(io.helidon.webserver.websocket.WsConfig.create()))
                .build();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "http-header-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.clamp(limits.headerTimeout().toMillis() / 4, 50, 1000);
        watchdog.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Sets the guard up on a listener: first connection selector, and sockets whose reads wait at
     * most the idle timeout. Since Helidon 4.5 a listener reads its sockets through NIO channels by
     * default ({@code use-nio}), and a channel's own reads ignore {@code SO_TIMEOUT}; with it off,
     * Helidon reads through the channel's socket streams, which honour it.
     */
    public void applyTo(ListenerConfig.BuilderBase<?, ?> listener) {
        listener.addConnectionSelector(this)
                .connectionOptions(new IdleTimeoutOptions(SocketOptions.create(),
                        (int) Math.min(Integer.MAX_VALUE, limits.idleTimeout().toMillis())))
                .useNio(false);
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData request) {
        int nl = request.indexOf((byte) '\n');
        if (nl < 0) return request.available() <= MAX_PROLOGUE ? Support.SUPPORTED : Support.UNSUPPORTED;
        String line = request.readString(nl);
        return line.endsWith(" HTTP/1.1\r") || Http10Head.isHttp10RequestLine(line) ? Support.SUPPORTED : Support.UNSUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        GuardedConnection c = new GuardedConnection(ctx);
        c.serveWith(http1.connection(c.context()));
        return new Tracked(c);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (GuardedConnection c : live) {
            if (c.headOverdue(now, limits.headerTimeout())) {
                String reason = "request head not complete within " + limits.headerTimeout().toSeconds() + " s";
                LOG.fine(() -> "dropping " + c.peer() + ": " + reason);
                live.remove(c);
                try {
                    c.abort(reason);
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "closing a slow connection failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /** Keeps a connection on the watchdog's list while it is being served. */
    private final class Tracked implements ServerConnection {
        private final GuardedConnection c;

        Tracked(GuardedConnection c) {
            this.c = c;
        }

        @Override
        public void handle(java.util.concurrent.Semaphore requestSemaphore) throws InterruptedException {
            live.add(c);
            try {
                c.handle(requestSemaphore);
            } finally {
                live.remove(c);
            }
        }

        @Override
        public void handle(io.helidon.common.concurrency.limits.Limit limit) throws InterruptedException {
            live.add(c);
            try {
                c.handle(limit);
            } finally {
                live.remove(c);
            }
        }

        @Override
        public Duration idleTime() {
            return c.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            c.close(interrupt);
        }
    }

    /** Follows each request's head (for the timeout) and refuses body framing that cannot be read. */
    private static final class Listener implements Http1ConnectionListener {
        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            if (ctx instanceof GuardedConnection.Context g) g.owner.prologueRead(prologue);
        }

        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (!(ctx instanceof GuardedConnection.Context g)) return;
            g.owner.headersRead(headers.contains(HeaderValues.CONNECTION_CLOSE));
            if (headers.contains(HeaderNames.CONTENT_LENGTH)) {
                for (String v : headers.get(HeaderNames.CONTENT_LENGTH).allValues()) {
                    if (v.trim().startsWith("-")) {
                        throw RequestException.builder()
                                .type(DirectHandler.EventType.BAD_REQUEST)
                                .status(Status.BAD_REQUEST_400)
                                .request(DirectTransportRequest.create(g.owner.prologue(), headers))
                                .message("Content-Length must not be negative")
                                .setKeepAlive(false)
                                .build();
                    }
                }
            }
        }
    }

    /**
     * Helidon's socket options plus {@code SO_TIMEOUT}, which Helidon does not set on accepted
     * sockets. Helidon 4.5 configures an accepted connection as a {@link SocketChannel}, older
     * versions as a {@link Socket}: both are covered.
     */
    private record IdleTimeoutOptions(SocketOptions base, int idleMillis) implements SocketOptions {
        @Override
        public Map<SocketOption<?>, Object> socketOptions() {
            return base.socketOptions();
        }

        @Override
        public Duration connectTimeout() {
            return base.connectTimeout();
        }

        @Override
        public Duration readTimeout() {
            return Duration.ofMillis(idleMillis);
        }

        @Override
        public Optional<Integer> socketReceiveBufferSize() {
            return base.socketReceiveBufferSize();
        }

        @Override
        public Optional<Integer> socketSendBufferSize() {
            return base.socketSendBufferSize();
        }

        @Override
        public boolean socketReuseAddress() {
            return base.socketReuseAddress();
        }

        @Override
        public boolean socketKeepAlive() {
            return base.socketKeepAlive();
        }

        @Override
        public boolean tcpNoDelay() {
            return base.tcpNoDelay();
        }

        @Override
        public void configureSocket(Socket socket) {
            base.configureSocket(socket);
            setTimeout(socket);
        }

        @Override
        public void configureSocket(SocketChannel channel) {
            base.configureSocket(channel);
            setTimeout(channel.socket());
        }

        private void setTimeout(Socket socket) {
            try {
                socket.setSoTimeout(idleMillis);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
