package dev.coxswain.server.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.files.S3Settings;
import dev.coxswain.core.testing.S3ProxyServer;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.server.files.FilesConfig;
import dev.coxswain.server.orchestrator.OrchestratorServer.Resp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's files through the real server's orchestrator face on the S3 store (a real S3Proxy
 * started by the test), with the job store on SQLite and on PostgreSQL: the upload link is a
 * presigned S3 PUT, the streamed upload lands in the bucket under {@code jobs/<job_id>/}, and the
 * download is a 302 to a presigned S3 GET.
 */
class OrchestratorS3FilesTest {
    private static final String BUCKET = "avtomatika-payloads";
    @TempDir
    static Path dir;
    static S3ProxyServer s3;

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyServer.start(dir.resolve("s3"));
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) s3.close();
    }

    private static FilesConfig s3Files() {
        return new FilesConfig(FilesConfig.Mode.S3, null, null, 64L << 20, new S3Settings(s3.endpoint(),
                S3ProxyServer.REGION, BUCKET, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, true, true));
    }

    @Test
    void onSqlite() throws Exception {
        try (OrchestratorServer srv = OrchestratorServer.start(dir.resolve("sqlite"), null, false, Clock.systemUTC(),
                s3Files())) {
            roundTrip(srv);
        }
    }

    @Test
    void onPostgres() throws Exception {
        try (TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
             OrchestratorServer srv = OrchestratorServer.start(dir.resolve("pg"), pg.url(), false, Clock.systemUTC(),
                     s3Files())) {
            roundTrip(srv);
        }
    }

    private static void roundTrip(OrchestratorServer srv) throws Exception {
        String alice = srv.key("s3-alice", "tasks:write");
        srv.blueprint(OrchestratorJobsTest.IDLE);
        Resp made = srv.asClient(alice, "POST", "/api/v1/idle/start", "{}");
        assertThat(made.status()).as("%s", made).isEqualTo(202);
        String job = made.json().path("job_id").asText();
        String prefix = s3.endpoint() + "/" + BUCKET + "/jobs/" + job + "/";

        Resp link = srv.asClient(alice, "GET", "/api/v1/jobs/" + job + "/files/upload?filename=in.bin&expires_in=600", null);
        assertThat(link.status()).as("%s", link).isEqualTo(200);
        assertThat(link.json().path("url").asText()).startsWith(prefix + "in.bin?");
        assertThat(link.json().path("expires_in").asLong()).isEqualTo(600);
        HttpClient http = HttpClient.newHttpClient();
        var put = http.send(HttpRequest.newBuilder(URI.create(link.json().path("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofString("straight to the bucket")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        Resp streamed = srv.send("PUT", "/api/v1/jobs/" + job + "/files/content/out.bin", "through the server",
                "X-Client-Token", alice);
        assertThat(streamed.status()).as("%s", streamed).isEqualTo(200);
        assertThat(streamed.json().path("s3_uri").asText()).isEqualTo("s3://" + BUCKET + "/jobs/" + job + "/out.bin");

        for (String[] f : new String[][]{{"in.bin", "straight to the bucket"}, {"out.bin", "through the server"}}) {
            Resp redirect = srv.asClient(alice, "GET", "/api/v1/jobs/" + job + "/files/download/" + f[0], null);
            assertThat(redirect.status()).as("%s", redirect).isEqualTo(302);
            assertThat(redirect.header("Location")).startsWith(prefix + f[0] + "?");
            var got = http.send(HttpRequest.newBuilder(URI.create(redirect.header("Location"))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo(f[1]);
        }
    }
}
