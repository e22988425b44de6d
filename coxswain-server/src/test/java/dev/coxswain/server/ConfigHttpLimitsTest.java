package dev.coxswain.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.server.http.ConnectionLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection settings: defaults, config file, environment and flags, like every setting. */
class ConfigHttpLimitsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsFileEnvironmentAndFlags() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).http()).isEqualTo(ConnectionLimits.defaults());

        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "http-header-timeout-seconds: 5\nhttp-idle-timeout-seconds: 7\nhttp-max-connections: 9\n");
        assertThat(ConfigLoader.load(yaml, Map.of(), Map.of()).http())
                .isEqualTo(new ConnectionLimits(Duration.ofSeconds(5), Duration.ofSeconds(7), 9));

        Map<String, String> env = Map.of("COXSWAIN_HTTP_IDLE_TIMEOUT_SECONDS", "11", "COXSWAIN_HTTP_MAX_CONNECTIONS", "13");
        Map<String, String> flags = new HashMap<>();
        flags.put("http-max-connections", "17");
        assertThat(ConfigLoader.load(yaml, env, flags).http())
                .isEqualTo(new ConnectionLimits(Duration.ofSeconds(5), Duration.ofSeconds(11), 17));

        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("COXSWAIN_HTTP_HEADER_TIMEOUT_SECONDS", "0"), Map.of()))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("http-header-timeout-seconds");
    }
}
