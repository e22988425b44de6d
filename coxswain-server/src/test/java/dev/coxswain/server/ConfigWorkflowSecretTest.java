package dev.coxswain.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code workflow-webhook-secret}: unset means generated; a set one is at least 16 characters and never printed. */
class ConfigWorkflowSecretTest {
    @TempDir
    Path dir;

    @Test
    void unsetMeansGeneratedAndTheFileOrEnvironmentSetsIt() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).webhooks().workflowSecret()).isNull();
        assertThat(ConfigLoader.load(null, Map.of("COXSWAIN_WORKFLOW_WEBHOOK_SECRET", "  "), Map.of()).webhooks()
                .workflowSecret()).as("blank is unset").isNull();

        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "workflow-webhook-secret: from-the-file-0123456789\nwebhook-max-attempts: 3\n");
        ServerConfig fromFile = ConfigLoader.load(yaml, Map.of(), Map.of());
        assertThat(fromFile.webhooks().workflowSecret()).isEqualTo("from-the-file-0123456789");
        assertThat(fromFile.webhooks().maxAttempts()).isEqualTo(3);
        assertThat(fromFile.webhooks().toString()).doesNotContain("from-the-file").contains("configured");
        assertThat(fromFile.toString()).doesNotContain("from-the-file");

        assertThat(ConfigLoader.load(yaml, Map.of("COXSWAIN_WORKFLOW_WEBHOOK_SECRET", "from-the-environment-01"), Map.of())
                .webhooks().workflowSecret()).isEqualTo("from-the-environment-01");
    }

    @Test
    void aShortSecretIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("COXSWAIN_WORKFLOW_WEBHOOK_SECRET", "short-secret"), Map.of()))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .hasMessage("workflow-webhook-secret must be at least 16 characters");
    }
}
