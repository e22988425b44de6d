package dev.coxswain.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Header and idle timeouts and the connection cap, with short configured limits, over raw
 * sockets. The bounds asserted are generous multiples of the configured limits: they tell "closed
 * by the limit" from "never closed", not how fast the server is.
 */
class ConnectionLimitsTest {
    static final String KEY = "limits-test-admin-key-0123456789";
    /** Far longer than any limit configured here, far shorter than Helidon's own five minutes. */
    static final Duration WITHIN = Duration.ofSeconds(12);

    @TempDir
    Path dir;

    CoxswainServer start(ConnectionLimits limits) {
        dev.coxswain.server.testing.SecretLedger.secret(KEY);
        return CoxswainServer.start(new ServerConfig(0, "127.0.0.1", dir, null, null, null, KEY, 2, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 1000, false, "worker-limits", Duration.ofSeconds(30)).withHttp(limits),
                Clock.systemUTC());
    }

    @Test
    void aHeadTrickledByteByByteIsCutOffAfterTheHeaderTimeout() throws Exception {
        try (CoxswainServer server = start(new ConnectionLimits(Duration.ofSeconds(1), Duration.ofSeconds(30), 100))) {
            // Headers after a complete request line (the classic slowloris) ...
            try (RawHttp c = new RawHttp(server.port(), WITHIN)) {
                c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
                assertThat(trickle(c, "X-Slow: " + "a".repeat(200))).as("closed while headers trickle in").isTrue();
            }
            // ... and the request line itself.
            try (RawHttp c = new RawHttp(server.port(), WITHIN)) {
                assertThat(trickle(c, "GET /health" + "/x".repeat(100))).as("closed while the request line trickles in").isTrue();
            }
            // A request sent at an ordinary pace on the same server is answered.
            try (RawHttp c = new RawHttp(server.port(), WITHIN)) {
                assertThat(c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse()).startsWith("HTTP/1.1 200 ");
            }
        }
    }

    /**
     * A remote worker's WebSocket is an upgraded connection: its frames are no request heads. It
     * outlives the header timeout, and a frame without a newline byte is read at once (before:
     * the socket was dropped after the header timeout, and such a frame waited for a later one).
     */
    @Test
    void anUpgradedWebSocketIsNotHeldToTheHeaderTimeout() throws Exception {
        String token = "limits-test-worker-token-0123456789";
        dev.coxswain.server.testing.SecretLedger.secret(token);
        SecurityConfig sec = new SecurityConfig(SecurityConfig.defaults().jwt(), token, SecurityConfig.defaultLimits(), 1000);
        try (CoxswainServer server = CoxswainServer.start(new ServerConfig(0, "127.0.0.1", dir, null, null, null, KEY, 2,
                Duration.ZERO, ZoneOffset.UTC, 1 << 20, 1000, false, "worker-limits", Duration.ofSeconds(30))
                .withSecurity(sec).withHttp(new ConnectionLimits(Duration.ofSeconds(1), Duration.ofSeconds(30), 100)),
                Clock.systemUTC());
             RawHttp c = new RawHttp(server.port(), WITHIN)) {
            c.send("GET /_worker/ws/w-limits HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "X-Worker-Token: " + token + "\r\nX-Worker-ID: w-limits\r\n\r\n");
            assertThat(c.readResponse()).startsWith("HTTP/1.1 101 ");
            // A masked ping whose payload is a newline: a frame that the old reader took for the
            // start of a request head, which the header timeout then cut off.
            c.socket.getOutputStream().write(new byte[]{(byte) 0x89, (byte) 0x81, 0, 0, 0, 0, '\n'});
            c.socket.getOutputStream().flush();
            assertThat(c.closedWithin(Duration.ofMillis(2500))).as("open after twice the header timeout").isFalse();
            // A masked close frame (status 1000), no 0x0A byte in it: the server answers with its own close.
            byte[] close = {(byte) 0x88, (byte) 0x82, 1, 2, 3, 4, (byte) (0x03 ^ 1), (byte) (0xE8 ^ 2)};
            c.socket.getOutputStream().write(close);
            c.socket.getOutputStream().flush();
            c.socket.setSoTimeout(2000);
            assertThat(c.socket.getInputStream().read()).as("the server's close frame").isEqualTo(0x88);
        }
    }

    @Test
    void idleAndSilentConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        try (CoxswainServer server = start(new ConnectionLimits(Duration.ofSeconds(30), Duration.ofSeconds(1), 100))) {
            try (RawHttp c = new RawHttp(server.port(), WITHIN)) {
                assertThat(c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse()).startsWith("HTTP/1.1 200 ");
                assertThat(c.closedWithin(WITHIN)).as("a keep-alive connection left idle").isTrue();
            }
            try (RawHttp c = new RawHttp(server.port(), WITHIN)) {
                assertThat(c.closedWithin(WITHIN)).as("a connection that never sends a byte").isTrue();
            }
        }
    }

    @Test
    void connectionsBeyondTheCapWaitUntilOneCloses() throws Exception {
        try (CoxswainServer server = start(new ConnectionLimits(Duration.ofSeconds(30), Duration.ofSeconds(60), 2))) {
            List<RawHttp> open = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    RawHttp c = new RawHttp(server.port(), WITHIN);
                    open.add(c);
                    assertThat(c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse()).startsWith("HTTP/1.1 200 ");
                }
                RawHttp third = new RawHttp(server.port(), Duration.ofSeconds(1));
                open.add(third);
                third.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(third.closedWithin(Duration.ofMillis(1500))).as("answered or closed while two are open").isFalse();
                open.get(0).close();
                third.socket.setSoTimeout((int) WITHIN.toMillis());
                assertThat(third.readResponse()).startsWith("HTTP/1.1 200 ");
            } finally {
                for (RawHttp c : open) c.close();
            }
        }
    }

    /** Sends {@code text} one byte every 200 ms; true when the server closes the connection meanwhile. */
    private static boolean trickle(RawHttp c, String text) throws IOException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        for (int i = 0; i < text.length() && System.nanoTime() < deadline; i++) {
            try {
                c.send(text.substring(i, i + 1));
            } catch (IOException e) {
                return true; // broken pipe or reset: closed
            }
            if (c.closedWithin(Duration.ofMillis(200))) return true;
        }
        return false;
    }
}
