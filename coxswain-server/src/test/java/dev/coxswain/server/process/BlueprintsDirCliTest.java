package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code coxswain serve --blueprints-dir}, run as its own process. */
class BlueprintsDirCliTest extends ProcessTestBase {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void anInvalidBlueprintFileStopsTheStartWithExitCode2AndEveryProblem() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("blueprints"));
        Files.writeString(dir.resolve("flow.yaml"), """
                name: flow
                states:
                  fetch: { start: true, type: dispatch, skill: s, transitions: { success: resize } }
                  done: { type: end }
                """);
        int port = ServerProcess.freePort();
        ServerProcess p = launch("bad-blueprint", List.of("serve", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--data-dir", tmp.resolve("data").toString(), "--blueprints-dir", dir.toString()), ServerProcess.env(), port);
        assertThat(p.awaitExit(EXIT_TIMEOUT)).as(p.output()).isEqualTo(2);
        assertThat(p.stderrText()).contains("coxswain: blueprints-dir", "flow.yaml: states.fetch.transitions.success: unknown state 'resize'",
                "flow.yaml: states.done").doesNotContain("at dev.coxswain"); // the problems, not a stack trace
        assertThat(ServerProcess.answers(port)).isFalse();
    }

    @Test
    void theDirectoryFromTheEnvironmentIsRegisteredAtStart() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("blueprints"));
        Files.writeString(dir.resolve("ok.json"), """
                {"name": "ok_flow", "states": {"a": {"start": true, "type": "end", "outcome": "finished"}}}""");
        ServerProcess s = serve("good-blueprints", tmp.resolve("data"), ServerProcess.env("COXSWAIN_BLUEPRINTS_DIR", dir.toString()));
        ServerProcess.Reply r = s.get("/api/blueprints/ok_flow");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.data().get("created_by").asText()).isEqualTo("blueprints-dir");
    }

    @Test
    void aBlueprintsDirThatIsNoDirectoryIsAConfigurationError() throws Exception {
        int port = ServerProcess.freePort();
        ServerProcess p = launch("no-dir", List.of("serve", "--port", String.valueOf(port), "--data-dir", tmp.resolve("data").toString(),
                "--blueprints-dir", tmp.resolve("missing").toString()), ServerProcess.env(), port);
        assertThat(p.awaitExit(EXIT_TIMEOUT)).as(p.output()).isEqualTo(2);
        assertThat(p.stderrText()).contains("blueprints-dir", "is not a directory");
    }
}
