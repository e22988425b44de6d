package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code blueprints-dir}: the files registered at start, in file-name order, read back over HTTP;
 * a restart with the same files adds no version, a changed file adds one; an invalid file stops
 * the start, naming the file and every problem, and registers nothing.
 */
class NativeBlueprintsDirTest {
    @TempDir
    Path data;
    @TempDir
    Path blueprints;

    static final String YAML = """
            name: from_yaml
            description: %s
            states:
              review:
                start: true
                type: approval
                transitions: { approved: finished }
              finished: { type: end }
            """;
    static final String JSON = """
            {"name": "from_json", "states": {"go": {"start": true, "type": "go_to", "default": "finished"},
             "finished": {"type": "end"}}}""";

    ServerConfig config() {
        return ApiServer.config(data, null, 2, 1 << 20).withBlueprintsDir(blueprints);
    }

    @Test
    void filesAreRegisteredOnceAndAChangedFileBecomesTheNextVersion() throws Exception {
        Files.writeString(blueprints.resolve("b-flow.yaml"), YAML.formatted("first"));
        Files.writeString(blueprints.resolve("a-flow.json"), JSON);
        Files.writeString(blueprints.resolve("c-flow.yml"), YAML.replace("from_yaml", "from_yml").formatted("yml"));
        Files.writeString(blueprints.resolve("notes.txt"), "not a blueprint, not read");
        Files.createDirectory(blueprints.resolve("sub.yaml")); // a directory, not a file: skipped

        try (ApiServer api = ApiServer.start(config(), Clock.systemUTC())) {
            assertThat(names(api)).containsExactly("from_json", "from_yaml", "from_yml");
            JsonNode y = Shapes.ok(api.get("/api/blueprints/from_yaml"), 200);
            assertThat(y.get("version").asInt()).isEqualTo(1);
            assertThat(y.get("created_by").asText()).isEqualTo("blueprints-dir");
            assertThat(y.get("description").asText()).isEqualTo("first");
            // Registered in file-name order: a-flow.json before b-flow.yaml.
            JsonNode j = Shapes.ok(api.get("/api/blueprints/from_json"), 200);
            assertThat(j.get("created_at").asText().compareTo(y.get("created_at").asText())).isLessThanOrEqualTo(0);
            // A job of a loaded blueprint runs like any other.
            assertThat(Shapes.ok(api.post("/api/blueprints/from_json/jobs", "{}"), 201).get("status").asText()).isEqualTo("finished");
        }
        // The same files again: no new versions.
        try (ApiServer api = ApiServer.start(config(), Clock.systemUTC())) {
            for (String name : List.of("from_json", "from_yaml", "from_yml")) {
                assertThat(Shapes.ok(api.get("/api/blueprints/" + name + "/versions"), 200)).as(name).hasSize(1);
            }
        }
        // One file changed: that blueprint alone gets version 2.
        Files.writeString(blueprints.resolve("b-flow.yaml"), YAML.formatted("second"));
        try (ApiServer api = ApiServer.start(config(), Clock.systemUTC())) {
            JsonNode y = Shapes.ok(api.get("/api/blueprints/from_yaml"), 200);
            assertThat(y.get("version").asInt()).isEqualTo(2);
            assertThat(y.get("description").asText()).isEqualTo("second");
            assertThat(Shapes.ok(api.get("/api/blueprints/from_json/versions"), 200)).hasSize(1);
            assertThat(Shapes.ok(api.get("/api/blueprints/from_yml/versions"), 200)).hasSize(1);
        }
    }

    @Test
    void anInvalidFileStopsTheStartNamingTheFileAndEveryProblemAndRegistersNothing() throws Exception {
        Files.writeString(blueprints.resolve("a-good.json"), JSON);
        Files.writeString(blueprints.resolve("b-bad.yaml"), """
                name: bad
                states:
                  a: { type: dispatch, skill: s, transitions: { success: nowhere } }
                  b: { type: end, transitions: { x: a } }
                """);
        Files.writeString(blueprints.resolve("c-broken.json"), "{\"name\": ");

        assertThatThrownBy(() -> ApiServer.start(config(), Clock.systemUTC()))
                .hasMessageContaining("b-bad.yaml: states.a.transitions.success: unknown state 'nowhere'")
                .hasMessageContaining("b-bad.yaml: states")
                .hasMessageContaining("c-broken.json: $: not valid json")
                .hasMessageContaining("nothing was registered")
                .hasMessageNotContaining("a-good.json");

        // Fixed: the server starts, and nothing from the failed start was stored before.
        Files.delete(blueprints.resolve("b-bad.yaml"));
        Files.delete(blueprints.resolve("c-broken.json"));
        try (ApiServer api = ApiServer.start(config(), Clock.systemUTC())) {
            assertThat(names(api)).containsExactly("from_json");
            assertThat(Shapes.ok(api.get("/api/blueprints/from_json/versions"), 200)).hasSize(1);
        }
    }

    @Test
    void twoFilesNamingOneBlueprintAreRefused() throws Exception {
        Files.writeString(blueprints.resolve("one.yaml"), YAML.formatted("one"));
        Files.writeString(blueprints.resolve("two.yml"), YAML.formatted("two"));
        assertThatThrownBy(() -> ApiServer.start(config(), Clock.systemUTC()))
                .hasMessageContaining("two.yml: blueprint 'from_yaml' is also defined by one.yaml");
    }

    private static List<String> names(ApiServer api) {
        List<String> out = new ArrayList<>();
        Shapes.ok(api.get("/api/blueprints"), 200).forEach(b -> out.add(b.get("name").asText()));
        return out;
    }
}
