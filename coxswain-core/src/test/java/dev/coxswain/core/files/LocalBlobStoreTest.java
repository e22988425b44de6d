package dev.coxswain.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String BASE = "http://127.0.0.1:8000";

    @TempDir
    Path dir;
    MutableClock clock;
    LocalBlobStore store;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
        store = new LocalBlobStore(dir.resolve("files"), KEY, BASE + "/", clock);
    }

    /** The signed URL's key (decoded path after /_files/) and its query parameters. */
    private static Map<String, String> parts(String url) {
        URI u = URI.create(url);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("key", u.getPath().substring(LocalBlobStore.ROUTE.length()));
        for (String kv : u.getRawQuery().split("&")) {
            String[] p = kv.split("=", 2);
            out.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void presignedUrlsPointAtTheServerAndAreSignedForMethodKeyAndExpiry() {
        PresignedUrl put = store.presignPut("jobs/j1/a b+c.txt", Duration.ofSeconds(3600));
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.expiresAt()).isEqualTo(Instant.parse("2026-06-01T13:00:00Z"));
        assertThat(put.url()).startsWith(BASE + "/_files/jobs/j1/a%20b%2Bc.txt?expires=" + put.expiresAt().getEpochSecond() + "&sig=");
        Map<String, String> p = parts(put.url());
        assertThat(p.get("key")).isEqualTo("jobs/j1/a b+c.txt");
        assertThat(p.get("sig")).matches("[0-9a-f]{64}");

        String key = p.get("key");
        assertThat(store.verify("PUT", key, p.get("expires"), p.get("sig"))).isEqualTo(UrlSigner.Verdict.VALID);
        // The PUT link is no download link, and the other way round.
        assertThat(store.verify("GET", key, p.get("expires"), p.get("sig"))).isEqualTo(UrlSigner.Verdict.BAD_SIGNATURE);
        Map<String, String> g = parts(store.presignGet(key, Duration.ofSeconds(3600)).url());
        assertThat(store.verify("GET", key, g.get("expires"), g.get("sig"))).isEqualTo(UrlSigner.Verdict.VALID);
        assertThat(store.verify("PUT", key, g.get("expires"), g.get("sig"))).isEqualTo(UrlSigner.Verdict.BAD_SIGNATURE);
        // Another key, a later expiry, a changed or missing signature: all forged.
        assertThat(store.verify("PUT", "jobs/j1/other.txt", p.get("expires"), p.get("sig"))).isEqualTo(UrlSigner.Verdict.BAD_SIGNATURE);
        long later = Long.parseLong(p.get("expires")) + 86_400;
        assertThat(store.verify("PUT", key, String.valueOf(later), p.get("sig"))).isEqualTo(UrlSigner.Verdict.BAD_SIGNATURE);
        assertThat(store.verify("PUT", key, p.get("expires"), p.get("sig").toUpperCase())).isEqualTo(UrlSigner.Verdict.BAD_SIGNATURE);
        assertThat(store.verify("PUT", key, p.get("expires"), null)).isEqualTo(UrlSigner.Verdict.BAD_SIGNATURE);
        assertThat(store.verify("PUT", key, "soon", p.get("sig"))).isEqualTo(UrlSigner.Verdict.BAD_SIGNATURE);
        // A store with another key does not accept this one's links.
        LocalBlobStore other = new LocalBlobStore(dir.resolve("other"), "another-key-of-32-bytes-........".getBytes(), BASE, clock);
        assertThat(other.verify("PUT", key, p.get("expires"), p.get("sig"))).isEqualTo(UrlSigner.Verdict.BAD_SIGNATURE);
    }

    @Test
    void aLinkExpiresAfterItsTtlByTheClock() {
        Map<String, String> p = parts(store.presignGet("jobs/j1/f", Duration.ofSeconds(60)).url());
        clock.advance(Duration.ofSeconds(60));
        assertThat(store.verify("GET", "jobs/j1/f", p.get("expires"), p.get("sig"))).isEqualTo(UrlSigner.Verdict.VALID);
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.verify("GET", "jobs/j1/f", p.get("expires"), p.get("sig"))).isEqualTo(UrlSigner.Verdict.EXPIRED);
    }

    @Test
    void putStatOpenRoundTripWithS3ShapedUri() throws IOException {
        byte[] body = "hello, files".getBytes(StandardCharsets.UTF_8);
        StoredBlob b = store.put("jobs/j1/hello.txt", new ByteArrayInputStream(body), body.length);
        assertThat(b).isEqualTo(new StoredBlob("jobs/j1/hello.txt", "s3://coxswain-local/jobs/j1/hello.txt", body.length));
        assertThat(store.stat("jobs/j1/hello.txt")).hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(body.length));
        try (var in = store.open("jobs/j1/hello.txt")) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        // Replaced whole.
        store.put("jobs/j1/hello.txt", new ByteArrayInputStream(new byte[] {1, 2}), -1);
        try (var in = store.open("jobs/j1/hello.txt")) {
            assertThat(in.readAllBytes()).containsExactly(1, 2);
        }
        assertThat(store.stat("jobs/j1/missing")).isEmpty();
        assertThatThrownBy(() -> store.open("jobs/j1/missing")).isInstanceOf(BlobNotFoundException.class);
        assertThat(tmpFiles()).isZero();
    }

    @Test
    void aLargePutStreamsThroughASmallBuffer() throws IOException {
        long size = 96L * 1024 * 1024 + 17;
        TestBodies.Generated body = new TestBodies.Generated(size, 42);
        StoredBlob b = store.put("jobs/big/blob.bin", body, -1);
        assertThat(b.size()).isEqualTo(size);
        assertThat(body.largestRead).isLessThanOrEqualTo(64 * 1024);
        assertThat(TestBodies.sha256(store.open("jobs/big/blob.bin"))).isEqualTo(TestBodies.sha256(new TestBodies.Generated(size, 42)));
    }

    @Test
    void aBodyThatDoesNotMatchItsLengthOrRunsPastTheLimitIsNotStored() {
        assertThatThrownBy(() -> store.put("jobs/j1/short", new ByteArrayInputStream(new byte[10]), 11))
                .isInstanceOf(IOException.class).hasMessageContaining("ended after 10 of 11");
        assertThatThrownBy(() -> store.put("jobs/j1/long", new ByteArrayInputStream(new byte[12]), 11))
                .isInstanceOf(IOException.class).hasMessageContaining("longer than its Content-Length");
        assertThatThrownBy(() -> store.put("jobs/j1/huge", new LimitedInputStream(new TestBodies.Generated(1_000_000, 1), 999_999), -1))
                .isInstanceOf(BlobTooLargeException.class);
        assertThat(store.stat("jobs/j1/short")).isEmpty();
        assertThat(store.stat("jobs/j1/long")).isEmpty();
        assertThat(store.stat("jobs/j1/huge")).isEmpty();
        assertThat(tmpFiles()).isZero();
    }

    @Test
    void keysThatWouldLeaveTheStoreAreRefused() throws IOException {
        Files.writeString(dir.resolve("secret.txt"), "outside");
        for (String bad : new String[] {"../secret.txt", "jobs/../../secret.txt", "/etc/passwd", "jobs/j1/..", "jobs//x", "jobs\\..\\x"}) {
            assertThatThrownBy(() -> store.put(bad, new ByteArrayInputStream(new byte[1]), 1)).as(bad).isInstanceOf(InvalidFileNameException.class);
            assertThatThrownBy(() -> store.open(bad)).as(bad).isInstanceOf(InvalidFileNameException.class);
            assertThatThrownBy(() -> store.stat(bad)).as(bad).isInstanceOf(InvalidFileNameException.class);
            assertThatThrownBy(() -> store.presignGet(bad, Duration.ofSeconds(1))).as(bad).isInstanceOf(InvalidFileNameException.class);
        }
        assertThatThrownBy(() -> store.deleteTree("../")).isInstanceOf(InvalidFileNameException.class);
        assertThat(Files.readString(dir.resolve("secret.txt"))).isEqualTo("outside");
    }

    @Test
    void deleteTreeRemovesOneJobsFilesOnly() throws IOException {
        store.put("jobs/a/1", new ByteArrayInputStream(new byte[1]), 1);
        store.put("jobs/a/2", new ByteArrayInputStream(new byte[1]), 1);
        store.put("jobs/ab/1", new ByteArrayInputStream(new byte[1]), 1);
        store.deleteTree(FileKeys.jobPrefix("a"));
        assertThat(store.stat("jobs/a/1")).isEmpty();
        assertThat(store.stat("jobs/a/2")).isEmpty();
        assertThat(store.stat("jobs/ab/1")).isPresent();
        store.deleteTree("jobs/none/"); // nothing there: no error
    }

    private long tmpFiles() {
        try (Stream<Path> s = Files.list(dir.resolve("files").resolve("tmp"))) {
            return s.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
