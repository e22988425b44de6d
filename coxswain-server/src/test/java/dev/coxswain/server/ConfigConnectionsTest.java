package dev.coxswain.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.domain.TargetConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connections declared in the config file are created at start and updated on the next one. */
class ConfigConnectionsTest {
    @TempDir
    Path dir;

    Path yaml(String host) throws Exception {
        Path f = dir.resolve("coxswain.yaml");
        Files.writeString(f, """
                port: 0
                data-dir: %s
                admin-key: config-connections-admin-key-0123
                connections:
                  - name: reporting
                    host: %s
                    database: postgres
                    user: postgres
                    password_env: REPORTING_PG_PASSWORD
                    sslmode: disable
                    tags: [prod, eu]
                """.formatted(dir.resolve("data"), host));
        return f;
    }

    @Test
    void declaredConnectionsAreCreatedThenUpdated() throws Exception {
        Map<String, String> env = Map.of("REPORTING_PG_PASSWORD", "declared-password-0123");
        dev.coxswain.server.testing.SecretLedger.secret("declared-password-0123");
        ServerConfig cfg = ConfigLoader.load(yaml("127.0.0.1"), env, Map.of());
        assertThat(cfg.connections()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("reporting");
            assertThat(c.port()).isEqualTo(5432);
            assertThat(c.password()).isEqualTo("declared-password-0123");
            assertThat(c.toString()).doesNotContain("declared-password-0123");
        });
        try (CoxswainServer s = CoxswainServer.start(cfg.withSecurity(SecurityConfig.defaults()), Clock.systemUTC())) {
            TargetConnection c = s.connections().findByName("reporting");
            assertThat(c.source()).isEqualTo("config");
            assertThat(c.hasPassword()).isTrue();
            assertThat(c.tags()).containsExactly("prod", "eu");
            assertThat(s.connections().test(c.id()).ok()).isTrue();
        }
        ServerConfig changed = ConfigLoader.load(yaml("localhost"), env, Map.of());
        try (CoxswainServer s = CoxswainServer.start(changed, Clock.systemUTC())) {
            TargetConnection c = s.connections().findByName("reporting");
            assertThat(c.host()).isEqualTo("localhost");
            assertThat(s.connections().list(0, 10).total()).isEqualTo(1);
        }
    }

    @Test
    void aMissingPasswordVariableOrAnUnknownKeyIsAConfigError() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("127.0.0.1"), Map.of(), Map.of()))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("REPORTING_PG_PASSWORD");
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "connections:\n  - name: x\n    pasword: oops\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of()))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("pasword");
    }
}
