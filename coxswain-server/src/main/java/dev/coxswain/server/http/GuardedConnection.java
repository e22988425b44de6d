package dev.coxswain.server.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.spi.ServerConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;

/**
 * One HTTP/1 connection as Helidon's own {@code Http1Connection} serves it, seen through a reader
 * and a writer of ours: the reader notes when a request's head starts (for the header timeout),
 * turns an HTTP/1.0 head into 1.1 (see {@link Http10Head}) and ends the connection after the
 * response to a request that asked to close it; the writer tells a 1.0 client that asked for
 * keep-alive that the connection stays open, as 1.0 requires.
 */
final class GuardedConnection implements ServerConnection {
    /** Longest request line looked at, and longest HTTP/1.0 head rewritten (Helidon's limits are 2 and 16 KiB). */
    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEAD = 32 * 1024;
    private static final byte[] KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] SWITCHING_PROTOCOLS = "HTTP/1.1 101 ".getBytes(StandardCharsets.ISO_8859_1);

    private final ConnectionContext outer;
    private final Context ctx;
    private volatile ServerConnection http1;
    /** System.nanoTime() when the head being read started; 0 while no head is being read. */
    private volatile long headStarted;
    private volatile HttpPrologue prologue;
    private volatile boolean echoKeepAlive;
    private volatile boolean closeAfterResponse;
    private volatile String abortReason;
    /**
     * A 101 (Switching Protocols) went out: the bytes read from now on are the upgraded
     * protocol's (WebSocket frames), never an HTTP/1 head, so neither the header timeout nor the
     * request-line handling applies to them.
     */
    private volatile boolean upgraded;

    GuardedConnection(ConnectionContext outer) {
        this.outer = outer;
        this.ctx = new Context(outer, this);
        this.headStarted = System.nanoTime(); // the first request's bytes are what opened it
    }

    /** The context Helidon's connection is built on. */
    ConnectionContext context() {
        return ctx;
    }

    void serveWith(ServerConnection c) {
        this.http1 = c;
    }

    // ---- what the receive listener reports ----

    void prologueRead(HttpPrologue p) {
        prologue = p;
        if (headStarted == 0) headStarted = System.nanoTime();
    }

    /** @param close the request asked to close the connection after its response */
    void headersRead(boolean close) {
        headStarted = 0;
        closeAfterResponse = close;
    }

    HttpPrologue prologue() {
        return prologue;
    }

    /** Whether a request head has been arriving for longer than {@code limit}. */
    boolean headOverdue(long nowNanos, Duration limit) {
        long s = headStarted;
        return s != 0 && nowNanos - s > limit.toNanos();
    }

    /** Drops the connection: the blocked read fails and Helidon cleans up. */
    void abort(String reason) {
        abortReason = reason;
        outer.serverSocket().close();
    }

    String peer() {
        return outer.remotePeer().host() + ":" + outer.remotePeer().port();
    }

    // ---- ServerConnection ----

    @Override
    public void handle(Semaphore requestSemaphore) throws InterruptedException {
        http1.handle(requestSemaphore);
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        http1.handle(limit);
    }

    @Override
    public Duration idleTime() {
        return http1.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        http1.close(interrupt);
    }

    // ---- the reader ----

    /**
     * Whether Helidon waits for a request's prologue. Its connection also says "interruptible"
     * once it has handed the socket to an upgraded protocol, so an upgraded connection is
     * excluded here: treated as a head, a WebSocket frame started the header timeout (the socket
     * was dropped after it) and was held back until a newline byte happened to arrive.
     */
    private boolean readingPrologue() {
        return !upgraded && http1 instanceof InterruptableTask<?> t && t.canInterrupt();
    }

    /** The next bytes for Helidon's reader: the socket's, with an HTTP/1.0 head made 1.1. */
    private byte[] next() {
        boolean atPrologue = readingPrologue();
        // Helidon answers "Connection: close" with that header but then waits for the client to
        // hang up; a 1.0 client reading to the end of the stream would wait for the idle timeout.
        // Reaching the next request's prologue means the response went out: end the stream here.
        if (atPrologue && closeAfterResponse) return null;
        byte[] first = pull();
        if (!atPrologue) return first;
        if (headStarted == 0) headStarted = System.nanoTime();
        ByteArrayOutputStream acc = new ByteArrayOutputStream();
        acc.writeBytes(first);
        int nl;
        while ((nl = indexOf(acc.toByteArray(), "\n")) < 0 && acc.size() < MAX_LINE) acc.writeBytes(pull());
        byte[] all = acc.toByteArray();
        if (nl < 0 || !Http10Head.isHttp10RequestLine(new String(all, 0, nl, StandardCharsets.ISO_8859_1))) return all;
        int end;
        while ((end = indexOf(all, "\r\n\r\n")) < 0 && all.length < MAX_HEAD) {
            acc.writeBytes(pull());
            all = acc.toByteArray();
        }
        if (end < 0) return all; // too large a head: Helidon refuses it as it is
        Http10Head.Rewritten r = Http10Head.rewrite(new String(all, 0, end + 4, StandardCharsets.ISO_8859_1), host());
        echoKeepAlive = r.keepAlive();
        byte[] out = Arrays.copyOf(r.head(), r.head().length + all.length - end - 4);
        System.arraycopy(all, end + 4, out, r.head().length, all.length - end - 4);
        return out;
    }

    /** Whatever the socket has (at least one byte); throws at the end of the stream, as Helidon's reader does. */
    private byte[] pull() {
        DataReader in = outer.dataReader();
        try {
            in.ensureAvailable();
        } catch (RuntimeException e) {
            // A head cut off (header timeout, or SO_TIMEOUT while headers trickle) is a close, not
            // a server error: Helidon logs anything else failing inside the headers as a warning
            // with a stack trace, once per slow client.
            if (abortReason != null || headStarted != 0) {
                throw new CloseConnectionException(abortReason != null ? abortReason : "request head not complete", e);
            }
            throw e;
        }
        return in.readBytes(in.available());
    }

    private String host() {
        PeerInfo local = outer.localPeer();
        return local.host() + ":" + local.port();
    }

    private static int indexOf(byte[] data, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i <= data.length - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (data[i + j] != n[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    // ---- the writer ----

    /** Adds {@code Connection: keep-alive} to the response head when a 1.0 client asked to keep the connection. */
    private BufferData patch(BufferData d) {
        noteUpgrade(d);
        if (!echoKeepAlive) return d;
        byte[] b = new byte[d.available()];
        d.read(b);
        String text = new String(b, 0, Math.min(b.length, 16), StandardCharsets.ISO_8859_1);
        int eol = indexOf(b, "\r\n");
        if (text.startsWith("HTTP/1.1 100") || eol < 0) return BufferData.create(b);
        echoKeepAlive = false;
        byte[] out = new byte[b.length + KEEP_ALIVE.length];
        System.arraycopy(b, 0, out, 0, eol + 2);
        System.arraycopy(KEEP_ALIVE, 0, out, eol + 2, KEEP_ALIVE.length);
        System.arraycopy(b, eol + 2, out, eol + 2 + KEEP_ALIVE.length, b.length - eol - 2);
        return BufferData.create(out);
    }

    /** Notes a 101 response going out (peeking, without consuming the buffer). */
    private void noteUpgrade(BufferData d) {
        if (upgraded || d.available() < SWITCHING_PROTOCOLS.length) return;
        for (int i = 0; i < SWITCHING_PROTOCOLS.length; i++) {
            if (d.get(i) != SWITCHING_PROTOCOLS[i]) return;
        }
        upgraded = true;
        headStarted = 0;
    }

    private BufferData[] patch(BufferData[] d) {
        if (d.length > 0) noteUpgrade(d[0]);
        if (!echoKeepAlive || d.length == 0) return d;
        BufferData[] out = d.clone();
        out[0] = patch(d[0]);
        return out;
    }

    private final class Writer implements DataWriter {
        private final DataWriter w;

        Writer(DataWriter w) {
            this.w = w;
        }

        @Override
        public void write(BufferData... buffers) {
            w.write(patch(buffers));
        }

        @Override
        public void write(BufferData buffer) {
            w.write(patch(buffer));
        }

        @Override
        public void writeNow(BufferData... buffers) {
            w.writeNow(patch(buffers));
        }

        @Override
        public void writeNow(BufferData buffer) {
            w.writeNow(patch(buffer));
        }

        @Override
        public void flush() {
            w.flush();
        }

        @Override
        public void close() {
            w.close();
        }
    }

    /** Helidon's connection context with our reader and writer; the receive listener finds the connection through it. */
    static final class Context implements ConnectionContext {
        private final ConnectionContext d;
        final GuardedConnection owner;
        private final DataReader reader;
        private final DataWriter writer;

        private Context(ConnectionContext d, GuardedConnection owner) {
            this.d = d;
            this.owner = owner;
            this.reader = new DataReader(owner::next);
            this.writer = owner.new Writer(d.dataWriter());
        }

        @Override
        public ListenerContext listenerContext() {
            return d.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return d.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return writer;
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public Router router() {
            return d.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return d.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return d.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return d.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return d.localPeer();
        }

        @Override
        public boolean isSecure() {
            return d.isSecure();
        }

        @Override
        public String socketId() {
            return d.socketId();
        }

        @Override
        public String childSocketId() {
            return d.childSocketId();
        }

        @Override
        public void log(System.Logger logger, System.Logger.Level level, String format, Object... params) {
            d.log(logger, level, format, params);
        }

        @Override
        public void log(System.Logger logger, System.Logger.Level level, String format, Throwable t, Object... params) {
            d.log(logger, level, format, t, params);
        }
    }
}
