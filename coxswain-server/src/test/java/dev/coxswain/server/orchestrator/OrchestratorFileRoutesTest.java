package dev.coxswain.server.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.files.S3BlobStore;
import dev.coxswain.core.files.S3Settings;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.testing.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three job file endpoints over real HTTP (with a stand-in access check, see
 * {@link FileRoutesServer}): the local store through its signed links, the S3 store through S3's
 * own presigned URLs on a real S3 server, files off, and every refusal.
 */
class OrchestratorFileRoutesTest {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String JOB = "0b6a3f2e-8a51-4c3e-9a57-2a8e1c9b7d10";

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    record Reply(int status, java.net.http.HttpHeaders headers, byte[] body) {
        JsonNode json() {
            return Json.read(new String(body, StandardCharsets.UTF_8));
        }

        String location() {
            return headers.firstValue("Location").orElse(null);
        }
    }

    static Reply send(String method, String url, HttpRequest.BodyPublisher body, boolean token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, body).timeout(Duration.ofSeconds(60));
        if (token) b.header("X-Test-Token", FileRoutesServer.TOKEN);
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Reply get(String url, boolean token) {
        return send("GET", url, HttpRequest.BodyPublishers.noBody(), token);
    }

    static Reply put(String url, byte[] body, boolean token) {
        return send("PUT", url, HttpRequest.BodyPublishers.ofByteArray(body), token);
    }

    /** A body without Content-Length (chunked). */
    static Reply putChunked(String url, byte[] body) {
        return send("PUT", url, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), true);
    }

    FileRoutesServer local(long maxBytes) {
        FileRoutesServer s = FileRoutesServer.local(dir, maxBytes, 0, clock);
        open.add(s);
        return s;
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void localStoreUploadLinkContentAndDownloadRoundTrip() {
        FileRoutesServer s = local(1 << 20);
        String base = s.url("/api/v1/jobs/" + JOB + "/files");

        Reply link = get(base + "/upload?filename=in%20put%2Bx.csv", true);
        assertThat(link.status()).isEqualTo(200);
        JsonNode l = link.json();
        assertThat(l.path("expires_in").asLong()).isEqualTo(3600);
        assertThat(l.path("method").asText()).isEqualTo("PUT");
        assertThat(l.size()).isEqualTo(3);
        assertThat(l.path("url").asText()).startsWith(s.url("/_files/jobs/" + JOB + "/in%20put%2Bx.csv?expires="
                + clock.instant().plusSeconds(3600).getEpochSecond() + "&sig="));
        byte[] first = bytes(300_000, 1);
        Reply stored = put(l.path("url").asText(), first, false); // the link is the credential
        assertThat(stored.status()).isEqualTo(200);
        assertThat(stored.json().path("s3_uri").asText()).isEqualTo("s3://coxswain-local/jobs/" + JOB + "/in put+x.csv");

        Reply redirect = get(base + "/download/in%20put%2Bx.csv", true);
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(redirect.location()).startsWith(s.url("/_files/jobs/" + JOB + "/in%20put%2Bx.csv?expires="
                + clock.instant().plusSeconds(60).getEpochSecond() + "&sig="));
        Reply got = get(redirect.location(), false);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(first);
        assertThat(got.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(got.headers().firstValue("Content-Disposition")).hasValue("attachment; filename*=UTF-8''in%20put%2Bx.csv");

        // The streamed upload replaces it; its answer is the protocol's shape exactly.
        byte[] second = bytes(200_000, 2);
        Reply content = put(base + "/content/in%20put%2Bx.csv", second, true);
        assertThat(content.status()).isEqualTo(200);
        assertThat(content.json()).isEqualTo(Json.object().put("status", "uploaded")
                .put("s3_uri", "s3://coxswain-local/jobs/" + JOB + "/in put+x.csv"));
        assertThat(get(get(base + "/download/in%20put%2Bx.csv", true).location(), false).body()).isEqualTo(second);
        // Without Content-Length too.
        Reply chunked = putChunked(base + "/content/chunked.bin", first);
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(get(get(base + "/download/chunked.bin", true).location(), false).body()).isEqualTo(first);
    }

    @Test
    void signedLinksRefuseForgeryExpiryAndTheOtherMethod() {
        FileRoutesServer s = local(1 << 20);
        String base = s.url("/api/v1/jobs/" + JOB + "/files");
        String up = get(base + "/upload?filename=f.bin&expires_in=120", true).json().path("url").asText();
        assertThat(up).contains("expires=" + clock.instant().plusSeconds(120).getEpochSecond());
        assertThat(put(up, new byte[] {1}, false).status()).isEqualTo(200);

        String down = get(base + "/download/f.bin", true).location();
        // The upload link does not download, the download link does not upload.
        assertThat(get(up, false).status()).isEqualTo(403);
        Reply overwrite = put(down, new byte[] {2}, false);
        assertThat(overwrite.status()).isEqualTo(403);
        assertThat(overwrite.json().path("error").asText()).isEqualTo("Invalid signature");
        // A changed signature, expiry or key; no signature at all.
        String sig = down.substring(down.indexOf("sig=") + 4);
        String flipped = down.substring(0, down.indexOf("sig=") + 4) + (sig.charAt(0) == 'a' ? 'b' : 'a') + sig.substring(1);
        assertThat(get(flipped, false).status()).isEqualTo(403);
        assertThat(get(down.replace("expires=", "expires=1"), false).status()).isEqualTo(403);
        assertThat(get(down.replace("/f.bin?", "/g.bin?"), false).status()).isEqualTo(403);
        assertThat(get(s.url("/_files/jobs/" + JOB + "/f.bin"), false).status()).isEqualTo(403);
        assertThat(get(down, false).status()).isEqualTo(200);
        // Sixty seconds later the download link has expired.
        clock.advance(Duration.ofSeconds(61));
        Reply late = get(down, false);
        assertThat(late.status()).isEqualTo(403);
        assertThat(late.json().path("error").asText()).isEqualTo("Link expired");
        // A signed link to a file that is not there.
        String ghost = s.store.presignGet("jobs/" + JOB + "/ghost", Duration.ofSeconds(60)).url();
        Reply missing = get(ghost, false);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("error").asText()).isEqualTo("File not found");
    }

    @Test
    void badFilenamesExpiriesAndMissingFilesAre4xx() {
        FileRoutesServer s = local(1 << 20);
        String base = s.url("/api/v1/jobs/" + JOB + "/files");
        for (String q : List.of("", "?filename=", "?filename=..", "?filename=a%2Fb", "?filename=a%00b", "?filename=" + "x".repeat(256))) {
            Reply r = get(base + "/upload" + q, true);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.json().path("error").asText()).as(q).isNotBlank();
        }
        for (String e : List.of("0", "-5", "abc", "604801", "1.5")) {
            Reply r = get(base + "/upload?filename=f&expires_in=" + e, true);
            assertThat(r.status()).as(e).isEqualTo(400);
            assertThat(r.json().path("error").asText()).startsWith("expires_in must be");
        }
        assertThat(get(base + "/upload?filename=f&expires_in=604800", true).json().path("expires_in").asLong()).isEqualTo(604800);
        assertThat(put(base + "/content/a%01b", new byte[1], true).status()).isEqualTo(400);
        Reply missing = get(base + "/download/never-uploaded.txt", true);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json()).isEqualTo(Json.object().put("error", "File not found"));
        Reply badJob = get(s.url("/api/v1/jobs/bad.job/files/upload?filename=f"), true);
        assertThat(badJob.status()).isEqualTo(400);
    }

    @Test
    void aBodyOverTheLimitIs413WhetherDeclaredOrStreamed() {
        FileRoutesServer s = local(1000);
        String base = s.url("/api/v1/jobs/" + JOB + "/files");
        Reply declared = put(base + "/content/big.bin", new byte[1001], true);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.json().path("error").asText()).isEqualTo("File is larger than the limit of 1000 bytes");
        Reply streamed = putChunked(base + "/content/big.bin", bytes(50_000, 3));
        assertThat(streamed.status()).isEqualTo(413);
        assertThat(put(base + "/content/ok.bin", new byte[1000], true).status()).isEqualTo(200);
        // The signed link keeps the same limit.
        String up = get(base + "/upload?filename=big2.bin", true).json().path("url").asText();
        assertThat(put(up, new byte[1001], false).status()).isEqualTo(413);
        assertThat(get(base + "/download/big.bin", true).status()).isEqualTo(404);
        assertThat(get(base + "/download/big2.bin", true).status()).isEqualTo(404);
    }

    @Test
    void theAccessCheckRunsFirstOnEveryEndpoint() {
        FileRoutesServer s = local(1 << 20);
        for (String[] c : new String[][] {{"GET", "/upload?filename=f"}, {"PUT", "/content/f"}, {"GET", "/download/f"}}) {
            assertThat(send(c[0], s.url("/api/v1/jobs/" + JOB + "/files" + c[1]), HttpRequest.BodyPublishers.ofString("x"), false).status())
                    .as("%s without a credential", c[1]).isEqualTo(401);
            assertThat(send(c[0], s.url("/api/v1/jobs/someone-elses/files" + c[1]), HttpRequest.BodyPublishers.ofString("x"), true).status())
                    .as(c[1]).isEqualTo(403);
            assertThat(send(c[0], s.url("/api/v1/jobs/no-such-job/files" + c[1]), HttpRequest.BodyPublishers.ofString("x"), true).status())
                    .as(c[1]).isEqualTo(404);
        }
        assertThat(s.store.stat("jobs/someone-elses/f")).isEmpty();
    }

    @Test
    void withFilesOffEveryEndpointIs501() {
        FileRoutesServer s = new FileRoutesServer(null, 1 << 20, 0, null);
        open.add(s);
        for (String[] c : new String[][] {{"GET", "/upload?filename=f"}, {"PUT", "/content/f"}, {"GET", "/download/f"}}) {
            Reply r = send(c[0], s.url("/api/v1/jobs/" + JOB + "/files" + c[1]), HttpRequest.BodyPublishers.ofString("x"), true);
            assertThat(r.status()).as(c[1]).isEqualTo(501);
            assertThat(r.json()).isEqualTo(Json.object().put("error", "S3 support is not enabled"));
        }
        assertThat(s.routes.routes().stream().map(r -> r.path()).toList()).noneMatch(p -> p.startsWith("/_files"));
    }

    @Test
    void s3StoreHandsOutS3PresignedUrlsAndStreamsUploadsToTheBucket() {
        S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"));
        open.add(s3);
        S3BlobStore store = S3BlobStore.open(new S3Settings(s3.endpoint(), S3ProxyServer.REGION, "avtomatika-payloads",
                S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, true, true));
        FileRoutesServer s = new FileRoutesServer(store, 64L << 20, 0, null);
        open.add(s);
        String base = s.url("/api/v1/jobs/" + JOB + "/files");

        JsonNode link = get(base + "/upload?filename=model.bin&expires_in=900", true).json();
        assertThat(link.path("expires_in").asLong()).isEqualTo(900);
        assertThat(link.path("url").asText()).startsWith(s3.endpoint() + "/avtomatika-payloads/jobs/" + JOB + "/model.bin?")
                .contains("X-Amz-Expires=900");
        byte[] first = bytes(400_000, 4);
        assertThat(put(link.path("url").asText(), first, false).status()).isEqualTo(200);
        Reply redirect = get(base + "/download/model.bin", true);
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.location()).startsWith(s3.endpoint() + "/avtomatika-payloads/jobs/" + JOB + "/model.bin?").contains("X-Amz-Expires=60");
        assertThat(get(redirect.location(), false).body()).isEqualTo(first);

        // Streamed through the server: 20 MiB without Content-Length, so a multipart upload.
        byte[] big = bytes(20 << 20, 5);
        Reply content = putChunked(base + "/content/big.bin", big);
        assertThat(content.status()).isEqualTo(200);
        assertThat(content.json()).isEqualTo(Json.object().put("status", "uploaded")
                .put("s3_uri", "s3://avtomatika-payloads/jobs/" + JOB + "/big.bin"));
        assertThat(get(get(base + "/download/big.bin", true).location(), false).body()).isEqualTo(big);
        assertThat(get(base + "/download/none.bin", true).status()).isEqualTo(404);
    }
}
