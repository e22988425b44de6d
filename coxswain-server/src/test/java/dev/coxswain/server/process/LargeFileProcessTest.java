package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.connection.SecretBox;
import dev.coxswain.core.files.UrlSigner;
import dev.coxswain.server.orchestrator.FileRoutesServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 200 MB files through servers whose heap is capped at 256 MB (separate JVMs, {@code -Xmx256m}):
 * a body held in memory, even once, would not fit beside the server itself, so these pass only
 * if uploads and downloads stream.
 */
class LargeFileProcessTest extends ProcessTestBase {
    static final long SIZE = 200L * 1000 * 1000;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code SIZE} pseudo-random bytes made as they are read, with their SHA-256 once read. */
    static final class Generated extends InputStream {
        private final long size;
        private long pos;
        private long state = 1234567;
        final MessageDigest sha;

        Generated(long size) throws Exception {
            this.size = size;
            this.sha = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) return -1;
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) {
                state = state * 6364136223846793005L + 1442695040888963407L;
                b[off + i] = (byte) (state >>> 56);
            }
            sha.update(b, off, n);
            pos += n;
            return n;
        }

        String digest() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    static HttpResponse<String> putStreamed(String url, Generated body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), SIZE));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Downloads {@code url} and returns the SHA-256 and length of what arrived. */
    static String[] digestOf(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).GET();
        headers.forEach(b::header);
        HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[256 * 1024];
            int k;
            while ((k = in.read(buf)) >= 0) {
                sha.update(buf, 0, k);
                n += k;
            }
        }
        return new String[] {HexFormat.of().formatHex(sha.digest()), Long.toString(n)};
    }

    @Test
    void a200MbUploadThroughTheContentEndpointStreamsInA256MbHeap() throws Exception {
        int port = ServerProcess.freePort();
        Path data = Files.createDirectories(tmp.resolve("files-server"));
        ServerProcess p = ServerProcess.launchMain(tmp.resolve("logs"), "file-routes", FileRoutesServer.class.getName(),
                List.of(data.toString(), String.valueOf(port), String.valueOf(1L << 30)), Map.of(), port);
        started.add(p);
        p.awaitReady();
        String job = "0b6a3f2e-8a51-4c3e-9a57-2a8e1c9b7d10";
        String base = "http://127.0.0.1:" + port + "/api/v1/jobs/" + job + "/files";

        Generated body = new Generated(SIZE);
        HttpResponse<String> put = putStreamed(base + "/content/big.bin", body, Map.of("X-Test-Token", FileRoutesServer.TOKEN));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).isEqualTo("{\"status\":\"uploaded\",\"s3_uri\":\"s3://coxswain-local/jobs/" + job + "/big.bin\"}");
        assertThat(data.resolve("files/objects/jobs/" + job + "/big.bin")).hasSize(SIZE);

        HttpResponse<String> redirect = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/download/big.bin"))
                .header("X-Test-Token", FileRoutesServer.TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isEqualTo(302);
        String[] got = digestOf(redirect.headers().firstValue("Location").orElseThrow(), Map.of());
        assertThat(got[1]).isEqualTo(Long.toString(SIZE));
        assertThat(got[0]).isEqualTo(body.digest());
        assertThat(p.process.isAlive()).isTrue();
        long heap = Long.parseLong(p.stdoutText().replaceAll("(?s).*max heap (\\d+).*", "$1"));
        assertThat(heap).isLessThanOrEqualTo(256L << 20);
    }

    @Test
    void a200MbFileThroughTheRealServersSignedLinksInA256MbHeap() throws Exception {
        byte[] secret = "process-test-secret-key-32-bytes".getBytes();
        String secretB64 = Base64.getEncoder().encodeToString(secret);
        ServerProcess srv = serve("server", tmp.resolve("data"), ServerProcess.env("COXSWAIN_SECRET_KEY", secretB64));
        // The server signs with a key derived from secret-key; the test holds the same key.
        UrlSigner signer = new UrlSigner(new SecretBox(secret).derive("coxswain file links v1"), Clock.systemUTC());
        String key = "jobs/job-1/big.bin";
        long expires = Clock.systemUTC().instant().getEpochSecond() + 600;
        String url = "http://127.0.0.1:" + srv.port + "/_files/" + key + "?expires=" + expires + "&sig=";

        Generated body = new Generated(SIZE);
        HttpResponse<String> put = putStreamed(url + signer.sign("PUT", key, expires), body, Map.of());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(tmp.resolve("data/files/objects/" + key)).hasSize(SIZE);
        String[] got = digestOf(url + signer.sign("GET", key, expires), Map.of());
        assertThat(got[1]).isEqualTo(Long.toString(SIZE));
        assertThat(got[0]).isEqualTo(body.digest());
        assertThat(srv.process.isAlive()).isTrue();
        assertThat(srv.get("/health/live").status()).isEqualTo(200);
    }
}
