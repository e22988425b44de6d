package dev.coxswain.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.connection.SecretBox;
import dev.coxswain.core.files.FileKeys;
import dev.coxswain.core.files.PresignedUrl;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server's {@code /_files} routes: links the server's own store signs (with the key
 * derived from {@code secret-key}) are served, forged and expired ones are not, and with
 * {@code files: off} there is no such route.
 */
class LocalFilesHttpTest {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String SECRET = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @TempDir
    Path dir;

    ServerConfig config(FilesConfig files) {
        ServerConfig c = new ServerConfig(0, "127.0.0.1", dir, null, null, null, "files-test-admin-key-0123456789", 0, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 1000, false, "w", Duration.ofSeconds(30));
        SecurityConfig d = SecurityConfig.defaults();
        return c.withSecurity(new SecurityConfig(d.jwt(), null, SecurityConfig.defaultLimits(), 0, SECRET)).withFiles(files);
    }

    static HttpResponse<byte[]> send(String method, String url, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void signedLinksRoundTripThroughTheRealServer() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
        try (CoxswainServer srv = CoxswainServer.start(config(new FilesConfig(FilesConfig.Mode.LOCAL, dir.resolve("blobs"), null, 2_000_000, null)), clock)) {
            String key = FileKeys.jobFile("job-1", "données.bin");
            PresignedUrl up = srv.files().presignPut(key, Duration.ofSeconds(300));
            // The default public URL is where the server listens.
            assertThat(up.url()).startsWith("http://127.0.0.1:" + srv.port() + "/_files/jobs/job-1/donn%C3%A9es.bin?expires=");
            byte[] body = new byte[1_500_000];
            new Random(9).nextBytes(body);
            HttpResponse<byte[]> put = send("PUT", up.url(), body);
            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(new String(put.body())).contains("\"s3_uri\":\"s3://coxswain-local/jobs/job-1/données.bin\"");
            assertThat(dir.resolve("blobs/objects/jobs/job-1/données.bin")).exists().hasSize(body.length);

            // The signing key is derived from secret-key: any node with the same key signs the same links.
            byte[] derived = new SecretBox(Base64.getDecoder().decode(SECRET)).derive("coxswain file links v1");
            var signer = new dev.coxswain.core.files.UrlSigner(derived, clock);
            long at = clock.instant().plusSeconds(60).getEpochSecond();
            String url = "http://127.0.0.1:" + srv.port() + "/_files/jobs/job-1/donn%C3%A9es.bin?expires=" + at + "&sig=" + signer.sign("GET", key, at);
            HttpResponse<byte[]> get = send("GET", url, null);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo(body);
            assertThat(get.headers().firstValueAsLong("Content-Length")).hasValue(body.length);

            // Over files-max-bytes.
            assertThat(send("PUT", srv.files().presignPut("jobs/job-1/big", Duration.ofSeconds(60)).url(), new byte[2_000_001]).statusCode())
                    .isEqualTo(413);
            // Forged with another key, then expired.
            var other = new dev.coxswain.core.files.UrlSigner("some-other-key-0123456789abcdef".getBytes(), clock);
            assertThat(send("GET", url.replaceAll("sig=.*", "sig=" + other.sign("GET", key, at)), null).statusCode()).isEqualTo(403);
            clock.advance(Duration.ofSeconds(61));
            HttpResponse<byte[]> late = send("GET", url, null);
            assertThat(late.statusCode()).isEqualTo(403);
            assertThat(new String(late.body())).isEqualTo("{\"error\":\"Link expired\"}");
        }
    }

    @Test
    void aConfiguredPublicUrlIsUsedAndFilesOffRegistersNoRoute() throws Exception {
        try (CoxswainServer srv = CoxswainServer.start(config(new FilesConfig(FilesConfig.Mode.LOCAL, null, "https://files.example.test/",
                FilesConfig.DEFAULT_MAX_BYTES, null)), java.time.Clock.systemUTC())) {
            assertThat(srv.files().presignGet("jobs/j/f", Duration.ofSeconds(5)).url()).startsWith("https://files.example.test/_files/jobs/j/f?");
            assertThat(dir.resolve("files/objects")).isDirectory(); // <data-dir>/files by default
        }
        try (CoxswainServer srv = CoxswainServer.start(config(new FilesConfig(FilesConfig.Mode.OFF, null, null, 1, null)), java.time.Clock.systemUTC())) {
            assertThat(srv.files()).isNull();
            assertThat(srv.routes()).noneMatch(r -> r.path().startsWith("/_files"));
            assertThat(send("GET", "http://127.0.0.1:" + srv.port() + "/_files/jobs/j/f?expires=1&sig=x", null).statusCode()).isEqualTo(404);
        }
    }
}
