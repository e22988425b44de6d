package dev.coxswain.server.orchestrator;

import dev.coxswain.core.Json;
import dev.coxswain.server.orchestrator.OrchestratorServer.Resp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's files through the orchestrator face (the routes of {@link OrchestratorFileRoutes}, on
 * the default local store): who may reach them is the job's access rule, so another client gets
 * the original's 403 text, a reader may download but not upload, and an unknown job is 404.
 */
class OrchestratorFilesTest {
    @TempDir
    static Path dir;
    static OrchestratorServer srv;
    static String alice, bob, job;

    @BeforeAll
    static void start() {
        srv = OrchestratorServer.start(dir, false);
        alice = srv.key("files-alice", "tasks:write");
        bob = srv.key("files-bob", "tasks:write");
        srv.blueprint(OrchestratorJobsTest.IDLE);
        Resp made = srv.asClient(alice, "POST", "/api/v1/idle/start", "{}");
        assertThat(made.status()).as("%s", made).isEqualTo(202);
        job = made.json().path("job_id").asText();
    }

    @AfterAll
    static void stop() {
        srv.close();
    }

    @Test
    void theOwnerUploadsAndDownloadsItsJobsFiles() throws Exception {
        Resp link = srv.asClient(alice, "GET", "/api/v1/jobs/" + job + "/files/upload?filename=in.txt", null);
        assertThat(link.status()).as("%s", link).isEqualTo(200);
        assertThat(link.json().path("method").asText()).isEqualTo("PUT");
        assertThat(link.json().path("expires_in").asLong()).isEqualTo(3600);
        HttpClient http = HttpClient.newHttpClient();
        var put = http.send(HttpRequest.newBuilder(URI.create(link.json().path("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofString("through the link")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isBetween(200, 204);

        Resp streamed = srv.send("PUT", "/api/v1/jobs/" + job + "/files/content/out.txt", "streamed bytes", "X-Client-Token", alice);
        assertThat(streamed.status()).as("%s", streamed).isEqualTo(200);
        assertThat(streamed.json().path("status").asText()).isEqualTo("uploaded");
        assertThat(streamed.json().path("s3_uri").asText()).endsWith("jobs/" + job + "/out.txt");

        for (String[] f : new String[][]{{"in.txt", "through the link"}, {"out.txt", "streamed bytes"}}) {
            Resp redirect = srv.asClient(alice, "GET", "/api/v1/jobs/" + job + "/files/download/" + f[0], null);
            assertThat(redirect.status()).as("%s", redirect).isEqualTo(302);
            var got = http.send(HttpRequest.newBuilder(URI.create(redirect.header("Location"))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(got.body()).isEqualTo(f[1]);
        }
        Resp none = srv.asClient(alice, "GET", "/api/v1/jobs/" + job + "/files/download/never.txt", null);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json()).isEqualTo(Json.object().put("error", "File not found"));
    }

    @Test
    void anotherClientAReaderAndStrangersAreRefusedAsForTheJob() {
        for (String[] mp : new String[][]{{"GET", "/files/upload?filename=a"}, {"PUT", "/files/content/a"}, {"GET", "/files/download/a"}}) {
            String path = "/api/v1/jobs/" + job + mp[1];
            String body = mp[0].equals("PUT") ? "x" : null;
            Resp other = srv.send(mp[0], path, body, "X-Client-Token", bob);
            assertThat(other.status()).as("%s", other).isEqualTo(403);
            assertThat(other.body()).isEqualTo(OrchestratorError.NOT_OWNER);
            Resp anonymous = srv.send(mp[0], path, body);
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.json()).isEqualTo(Json.object().put("error", "Missing X-Client-Token header"));
            Resp unknown = srv.send(mp[0], "/api/v1/jobs/" + UUID.randomUUID() + mp[1], body, "X-Client-Token", alice);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json()).isEqualTo(Json.object().put("error", "Job not found"));
        }
        // An admin reads any job's files; a read-only key may download but not upload.
        String reader = srv.key("files-reader", "tasks:read");
        Resp readerUpload = srv.asClient(reader, "GET", "/api/v1/jobs/" + job + "/files/upload?filename=a", null);
        assertThat(readerUpload.status()).isEqualTo(403);
        assertThat(readerUpload.json().path("error").asText()).isEqualTo("Forbidden: this credential needs the 'tasks:write' scope");
        Resp admin = srv.asClient(OrchestratorServer.ADMIN_KEY, "GET", "/api/v1/jobs/" + job + "/files/upload?filename=a", null);
        assertThat(admin.status()).isEqualTo(200);
    }
}
