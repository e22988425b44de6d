package dev.coxswain.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.server.files.FilesConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code files*} settings from the config file, the environment and flags. */
class ConfigFilesTest {
    @TempDir
    Path dir;

    static ServerConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
        return ConfigLoader.load(file, env, flags);
    }

    @Test
    void defaultsAreALocalStoreUnderTheDataDirWithA5GibLimit() {
        FilesConfig f = load(null, Map.of(), Map.of()).files();
        assertThat(f.mode()).isEqualTo(FilesConfig.Mode.LOCAL);
        assertThat(f.dir()).isNull();
        assertThat(f.publicUrl()).isNull();
        assertThat(f.maxBytes()).isEqualTo(5L * 1024 * 1024 * 1024);
        assertThat(f.s3()).isNull();
    }

    @Test
    void s3FromTheFileWithTheSecretFromTheEnvironmentNeverPrinted() throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, """
                files: s3
                files-s3-endpoint: http://127.0.0.1:9000
                files-s3-access-key: minio
                files-s3-path-style: false
                files-max-bytes: 1048576
                """);
        String secret = "s3-secret-from-env-0123456789";
        ServerConfig c = load(file, Map.of("COXSWAIN_FILES_S3_SECRET_KEY", secret, "COXSWAIN_FILES_S3_BUCKET", "my-bucket"), Map.of());
        FilesConfig f = c.files();
        assertThat(f.mode()).isEqualTo(FilesConfig.Mode.S3);
        assertThat(f.maxBytes()).isEqualTo(1 << 20);
        assertThat(f.s3().endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(f.s3().region()).isEqualTo("us-east-1");
        assertThat(f.s3().bucket()).isEqualTo("my-bucket");
        assertThat(f.s3().accessKey()).isEqualTo("minio");
        assertThat(f.s3().secretKey()).isEqualTo(secret);
        assertThat(f.s3().pathStyle()).isFalse();
        assertThat(f.s3().createBucket()).isTrue();
        assertThat(c.toString()).contains("bucket=my-bucket").doesNotContain(secret);
        // The default bucket is the orchestrator's.
        assertThat(load(null, Map.of("COXSWAIN_FILES", "s3"), Map.of()).files().s3().bucket()).isEqualTo("avtomatika-payloads");
    }

    @Test
    void flagsWinAndOffTurnsFilesOff() {
        Map<String, String> flags = new HashMap<>();
        flags.put("files", "off");
        assertThat(load(null, Map.of("COXSWAIN_FILES", "s3"), flags).files().mode()).isEqualTo(FilesConfig.Mode.OFF);
        FilesConfig f = load(null, Map.of("COXSWAIN_FILES_DIR", "/srv/files", "COXSWAIN_FILES_PUBLIC_URL", "https://cox.example"), Map.of()).files();
        assertThat(f.dir()).isEqualTo(Path.of("/srv/files"));
        assertThat(f.publicUrl()).isEqualTo("https://cox.example");
    }

    @Test
    void badValuesAreRefusedByName() {
        Map<String, String[]> bad = Map.of(
                "files", new String[] {"ftp"},
                "files-max-bytes", new String[] {"0", "lots"},
                "files-public-url", new String[] {"cox.example"},
                "files-s3-endpoint", new String[] {"minio:9000", "ftp://x"},
                "files-s3-bucket", new String[] {"Bad_Bucket", "ab"},
                "files-s3-path-style", new String[] {"maybe"});
        bad.forEach((key, values) -> {
            for (String value : values) {
                Map<String, String> env = new HashMap<>(Map.of("COXSWAIN_FILES", "s3"));
                env.put("COXSWAIN_" + key.toUpperCase().replace('-', '_'), value);
                assertThatThrownBy(() -> load(null, env, Map.of())).as(key + "=" + value)
                        .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining(key);
            }
        });
        assertThatThrownBy(() -> load(null, Map.of("COXSWAIN_FILES", "s3", "COXSWAIN_FILES_S3_ACCESS_KEY", "a"), Map.of()))
                .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("files-s3-secret-key");
    }
}
