package dev.coxswain.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.connection.SecretBox;
import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionControl;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.TaskExecutor;
import dev.coxswain.core.store.SealedEnv;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The executor gets the environment in clear; the stored form never reaches it. */
class UnsealingExecutorTest {
    final SealedEnv sealed = new SealedEnv(new SecretBox(new byte[32]));
    final AtomicReference<JsonNode> seen = new AtomicReference<>();
    final TaskExecutor recording = new TaskExecutor() {
        @Override
        public String type() {
            return "shell";
        }

        @Override
        public ExecutionResult execute(ExecutionContext ctx) {
            seen.set(ctx.payload());
            return ExecutionResult.ok(0, "ran");
        }
    };

    static ExecutionContext ctx(JsonNode payload) {
        return new ExecutionContext(1, 1, payload, Map.of(), (level, message) -> { }, new ExecutionControl());
    }

    static ObjectNode payload() {
        ObjectNode p = Json.object().put("command", "env");
        p.putObject("env").put("TOKEN", "clear-value");
        p.put("working_directory", "/tmp");
        return p;
    }

    @Test
    void theExecutorSeesTheEnvironmentInClearAndInPlace() throws Exception {
        JsonNode stored = sealed.seal(payload());
        assertThat(stored.toString()).doesNotContain("clear-value").contains(SealedEnv.FIELD);

        ExecutionResult r = new UnsealingExecutor(recording, sealed).execute(ctx(stored));

        assertThat(r.success()).isTrue();
        assertThat(seen.get()).isEqualTo(payload());
        assertThat(seen.get().fieldNames()).toIterable().containsExactly("command", "env", "working_directory");
    }

    @Test
    void aPayloadWithoutSealedEnvironmentPassesAsItIs() throws Exception {
        new UnsealingExecutor(recording, sealed).execute(ctx(payload()));
        assertThat(seen.get()).isEqualTo(payload());
    }

    @Test
    void anEnvironmentSealedWithAnotherKeyFailsTheAttemptWithoutRunningIt() throws Exception {
        JsonNode stored = new SealedEnv(new SecretBox(HexFormat.of().parseHex("ff".repeat(32)))).seal(payload());

        ExecutionResult r = new UnsealingExecutor(recording, sealed).execute(ctx(stored));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).contains("cannot be decrypted");
        assertThat(seen.get()).isNull();
    }
}
