package dev.coxswain.server.orchestrator;

import dev.coxswain.core.Json;
import dev.coxswain.server.orchestrator.OrchestratorServer.Resp;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /_public/debug/flush_db} exists only with {@code dev-mode: true}. */
class OrchestratorDevModeTest {
    @TempDir
    Path dir;

    @Test
    void flushDbDeletesEveryJobInDevMode() {
        try (OrchestratorServer srv = OrchestratorServer.start(dir, true)) {
            srv.blueprint(OrchestratorJobsTest.IDLE);
            String client = srv.key("dev-client", "tasks:write");
            Resp made = srv.asClient(client, "POST", "/api/v1/idle/start", "{}");
            assertThat(made.status()).as("%s", made).isEqualTo(202);
            String id = made.json().path("job_id").asText();
            assertThat(srv.asClient(client, "GET", "/api/v1/jobs/" + id, null).status()).isEqualTo(200);

            Resp flushed = srv.send("POST", "/_public/debug/flush_db", null);
            assertThat(flushed.status()).as("%s", flushed).isEqualTo(200);
            assertThat(flushed.json()).isEqualTo(Json.object().put("status", "db_flushed"));
            Resp gone = srv.asClient(client, "GET", "/api/v1/jobs/" + id, null);
            assertThat(gone.status()).isEqualTo(404);
            assertThat(srv.asClient(client, "GET", "/api/v1/jobs", null).json()).isEmpty();
            // Blueprints and keys stay.
            assertThat(srv.asClient(client, "POST", "/api/v1/idle/start", "{}").status()).isEqualTo(202);
        }
    }
}
