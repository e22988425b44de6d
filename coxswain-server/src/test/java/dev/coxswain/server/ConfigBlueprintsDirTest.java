package dev.coxswain.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blueprints-dir}: unset by default; file, environment and flag like every setting; must be a directory. */
class ConfigBlueprintsDirTest {
    @TempDir
    Path dir;

    @Test
    void fileEnvironmentAndFlagAndOnlyADirectory() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).blueprintsDir()).isNull();
        Path a = Files.createDirectory(dir.resolve("a")), b = Files.createDirectory(dir.resolve("b")),
                c = Files.createDirectory(dir.resolve("c"));
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "blueprints-dir: " + a + "\n");
        assertThat(ConfigLoader.load(yaml, Map.of(), Map.of()).blueprintsDir()).isEqualTo(a);
        Map<String, String> env = Map.of("COXSWAIN_BLUEPRINTS_DIR", b.toString());
        assertThat(ConfigLoader.load(yaml, env, Map.of()).blueprintsDir()).isEqualTo(b);
        Map<String, String> flags = new HashMap<>();
        flags.put("blueprints-dir", c.toString());
        assertThat(ConfigLoader.load(yaml, env, flags).blueprintsDir()).isEqualTo(c);
        // The other settings keep it when changed later.
        assertThat(ConfigLoader.load(yaml, env, flags).withHttp(dev.coxswain.server.http.ConnectionLimits.defaults()).blueprintsDir())
                .isEqualTo(c);

        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("COXSWAIN_BLUEPRINTS_DIR", yaml.toString()), Map.of()))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("blueprints-dir").hasMessageContaining("not a directory");
    }
}
