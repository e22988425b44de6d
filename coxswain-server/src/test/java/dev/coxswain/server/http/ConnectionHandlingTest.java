package dev.coxswain.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.ServerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches the server below the API faces, over raw sockets: HTTP/1.0 (as reverse proxies
 * speak it) and malformed framing.
 */
class ConnectionHandlingTest {
    static final String KEY = "connection-test-admin-key-0123456789";
    static final Duration ANSWER = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static CoxswainServer server;

    @BeforeAll
    static void start() {
        dev.coxswain.server.testing.SecretLedger.secret(KEY);
        server = CoxswainServer.start(new ServerConfig(0, "127.0.0.1", dir, null, null, null, KEY, 2, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 1000, false, "worker-conn", Duration.ofSeconds(30)), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void http10IsAnsweredAndTheConnectionClosedUnlessKeepAliveWasAsked() throws Exception {
        try (RawHttp c = new RawHttp(server.port(), ANSWER)) {
            String r = c.send("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").readToClose();
            assertThat(r).matches("(?s)HTTP/1\\.[01] 200 .*").contains("\"status\":\"ok\"");
        }
        // Without a Host header, as HTTP/1.0 allows.
        try (RawHttp c = new RawHttp(server.port(), ANSWER)) {
            assertThat(c.send("GET /health HTTP/1.0\r\n\r\n").readToClose()).matches("(?s)HTTP/1\\.[01] 200 .*");
        }
        // Keep-alive asked: two requests on one connection, then it closes when asked.
        try (RawHttp c = new RawHttp(server.port(), ANSWER)) {
            String first = c.send("GET /health/live HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").readResponse();
            assertThat(first).matches("(?s)HTTP/1\\.[01] 200 .*").containsIgnoringCase("connection: keep-alive");
            assertThat(c.closedWithin(Duration.ofMillis(300))).as("closed after a keep-alive request").isFalse();
            String second = c.send("GET /api/tasks HTTP/1.0\r\nAuthorization: ApiKey " + KEY + "\r\n\r\n").readToClose();
            assertThat(second).matches("(?s)HTTP/1\\.[01] 200 .*").contains("\"data\"");
        }
        // A body on HTTP/1.0 (Content-Length) reaches the face.
        try (RawHttp c = new RawHttp(server.port(), ANSWER)) {
            String body = "{\"name\":\"via 1.0\",\"command\":\"true\"}";
            String r = c.send("POST /api/tasks HTTP/1.0\r\nAuthorization: ApiKey " + KEY + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).readToClose();
            assertThat(r).matches("(?s)HTTP/1\\.[01] 201 .*").contains("via 1.0");
        }
    }

    @Test
    void http11ConnectionCloseEndsTheConnectionAfterTheResponse() throws Exception {
        try (RawHttp c = new RawHttp(server.port(), ANSWER)) {
            String r = c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").readToClose();
            assertThat(r).contains("200");
        }
    }

    @Test
    void aNegativeContentLengthIs400AtOnce() throws Exception {
        try (RawHttp c = new RawHttp(server.port(), ANSWER)) {
            String r = c.send("POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ApiKey " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}").readToClose();
            assertThat(r).startsWith("HTTP/1.1 400 ");
        }
        try (RawHttp c = new RawHttp(server.port(), ANSWER)) {
            String r = c.send("POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n").readToClose();
            assertThat(r).startsWith("HTTP/1.1 400 ");
        }
    }
}
