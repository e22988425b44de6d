package dev.coxswain.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link S3BlobStore} against a real S3 server (S3Proxy in its own process). */
class S3BlobStoreTest {
    @TempDir
    static Path dir;
    static S3ProxyServer s3;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    S3BlobStore store;
    String bucket;

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyServer.start(dir);
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) s3.close();
    }

    @BeforeEach
    void openStore() {
        bucket = "b-" + UUID.randomUUID().toString().substring(0, 8);
        store = S3BlobStore.open(settings(bucket, S3ProxyServer.SECRET_KEY, true));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static S3Settings settings(String bucket, String secret, boolean create) {
        return new S3Settings(s3.endpoint(), S3ProxyServer.REGION, bucket, S3ProxyServer.ACCESS_KEY, secret, true, create);
    }

    @Test
    void theBucketIsCreatedAtStartAndAStoreOpensOnAnExistingOne() throws IOException {
        try (S3BlobStore again = S3BlobStore.open(settings(bucket, S3ProxyServer.SECRET_KEY, true))) {
            again.put("jobs/j/x", new ByteArrayInputStream(new byte[] {7}), 1);
        }
        assertThat(store.stat("jobs/j/x")).hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(1));
    }

    @Test
    void putStatOpenRoundTrip() throws IOException {
        byte[] body = "payload ✓".getBytes(StandardCharsets.UTF_8);
        StoredBlob b = store.put("jobs/j1/in put.txt", new ByteArrayInputStream(body), body.length);
        assertThat(b).isEqualTo(new StoredBlob("jobs/j1/in put.txt", "s3://" + bucket + "/jobs/j1/in put.txt", body.length));
        assertThat(store.stat("jobs/j1/in put.txt")).hasValueSatisfying(i -> {
            assertThat(i.size()).isEqualTo(body.length);
            assertThat(i.lastModified()).isNotNull();
        });
        try (var in = store.open("jobs/j1/in put.txt")) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        assertThat(store.stat("jobs/j1/missing")).isEmpty();
        assertThatThrownBy(() -> store.open("jobs/j1/missing")).isInstanceOf(BlobNotFoundException.class);
        // Empty bodies are files too.
        assertThat(store.put("jobs/j1/empty", new ByteArrayInputStream(new byte[0]), -1).size()).isZero();
        assertThat(store.stat("jobs/j1/empty")).hasValueSatisfying(i -> assertThat(i.size()).isZero());
    }

    @Test
    void aBodyOfUnknownLengthLargerThanAPartIsAMultipartUploadWithBoundedReads() throws IOException {
        long size = 2L * S3BlobStore.PART_SIZE + 12345;
        TestBodies.Generated body = new TestBodies.Generated(size, 7);
        StoredBlob b = store.put("jobs/big/blob.bin", body, -1);
        assertThat(b.size()).isEqualTo(size);
        assertThat(body.largestRead).isLessThanOrEqualTo(S3BlobStore.PART_SIZE);
        assertThat(store.stat("jobs/big/blob.bin")).hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(size));
        assertThat(TestBodies.sha256(store.open("jobs/big/blob.bin"))).isEqualTo(TestBodies.sha256(new TestBodies.Generated(size, 7)));
        // Known length, exactly one part.
        long one = S3BlobStore.PART_SIZE;
        assertThat(store.put("jobs/big/one.bin", new TestBodies.Generated(one, 8), one).size()).isEqualTo(one);
        assertThat(TestBodies.sha256(store.open("jobs/big/one.bin"))).isEqualTo(TestBodies.sha256(new TestBodies.Generated(one, 8)));
    }

    @Test
    void aBodyShorterOrLongerThanSaidOrPastTheLimitLeavesNothing() {
        assertThatThrownBy(() -> store.put("jobs/j/short", new ByteArrayInputStream(new byte[5]), 6)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.put("jobs/j/long", new ByteArrayInputStream(new byte[7]), 6)).isInstanceOf(IOException.class);
        long big = S3BlobStore.PART_SIZE + 10L;
        assertThatThrownBy(() -> store.put("jobs/j/multi-short", new TestBodies.Generated(big - 1, 1), big))
                .isInstanceOf(IOException.class).hasMessageContaining("ended after");
        assertThatThrownBy(() -> store.put("jobs/j/multi-limit", new LimitedInputStream(new TestBodies.Generated(big, 1), big - 5), -1))
                .isInstanceOf(BlobTooLargeException.class);
        for (String k : new String[] {"jobs/j/short", "jobs/j/long", "jobs/j/multi-short", "jobs/j/multi-limit"}) {
            assertThat(store.stat(k)).as(k).isEmpty();
        }
    }

    @Test
    void presignedPutThenGetThroughPlainHttp() throws Exception {
        PresignedUrl put = store.presignPut("jobs/j2/up load.bin", Duration.ofMinutes(10));
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.url()).startsWith(s3.endpoint() + "/" + bucket + "/jobs/j2/").contains("X-Amz-Signature=");
        byte[] body = new byte[300_000];
        new java.util.Random(3).nextBytes(body);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(put.url()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(store.stat("jobs/j2/up load.bin")).hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(body.length));

        PresignedUrl get = store.presignGet("jobs/j2/up load.bin", Duration.ofSeconds(60));
        HttpResponse<byte[]> g = HTTP.send(HttpRequest.newBuilder(URI.create(get.url())).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(g.statusCode()).isEqualTo(200);
        assertThat(g.body()).isEqualTo(body);

        // A tampered signature is refused by the S3 server.
        String forged = get.url().replaceAll("X-Amz-Signature=[0-9a-f]", "X-Amz-Signature=" + (get.url().contains("X-Amz-Signature=0") ? "1" : "0"));
        HttpResponse<String> f = HTTP.send(HttpRequest.newBuilder(URI.create(forged)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(f.statusCode()).isEqualTo(403);
    }

    @Test
    void deleteTreeRemovesOnePrefix() throws IOException {
        for (String k : new String[] {"jobs/a/1", "jobs/a/sub/2", "jobs/ab/1"}) store.put(k, new ByteArrayInputStream(new byte[1]), 1);
        store.deleteTree("jobs/a/");
        assertThat(store.stat("jobs/a/1")).isEmpty();
        assertThat(store.stat("jobs/a/sub/2")).isEmpty();
        assertThat(store.stat("jobs/ab/1")).isPresent();
    }

    @Test
    void wrongCredentialsFailWithoutNamingTheSecret() {
        String wrong = "wrong-secret-value-9876543210";
        assertThatThrownBy(() -> S3BlobStore.open(settings(bucket, wrong, true)))
                .isInstanceOf(BlobStoreException.class)
                .hasMessageContaining("403")
                .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain(wrong));
        assertThat(settings(bucket, wrong, true).toString()).doesNotContain(wrong);
    }
}
