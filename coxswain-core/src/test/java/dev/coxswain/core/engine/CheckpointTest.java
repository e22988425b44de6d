package dev.coxswain.core.engine;

import static dev.coxswain.core.engine.EngineHarness.block;
import static dev.coxswain.core.engine.EngineHarness.script;
import static dev.coxswain.core.engine.EngineHarness.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Checkpoints: merged into a running task, handed to its next attempt as CHECKPOINT_DATA. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class CheckpointTest extends EngineTestBase {

    private static ObjectNode json(String text) {
        return (ObjectNode) Json.read(text);
    }

    @Test
    void checkpointOfAFailedAttemptIsHandedToTheRetryAsEnvironmentJson() throws Exception {
        h.start();
        Path started = tmp.resolve("started");
        Path go = tmp.resolve("go");
        Path seen = tmp.resolve("seen");
        // First attempt (no checkpoint yet): announce itself, wait to be told, fail.
        // The retry (checkpoint present): write what it was given and succeed.
        String cmd = "if [ -n \"$CHECKPOINT_DATA\" ]; then printf '%s' \"$CHECKPOINT_DATA\" > '" + seen + "'; exit 0; fi; "
                + "touch '" + started + "'; while [ ! -f '" + go + "' ]; do sleep 0.05; done; exit 1";
        Task t = h.create(shell("resumable", cmd).checkpoint(true).maxRetries(1));
        await("first attempt started").atMost(EngineHarness.WAIT).until(() -> Files.exists(started));

        Task c1 = h.engine.tasks().checkpoint(t.id(), json("{\"step\": 3, \"custom\": {\"k\": \"v\"}}"));
        assertThat(c1.checkpointData()).isEqualTo(json("{\"step\": 3, \"custom\": {\"k\": \"v\"}}"));
        // A second checkpoint merges its keys into the first (top-level keys replace).
        Task c2 = h.engine.tasks().checkpoint(t.id(), json("{\"step\": 4, \"items\": 150}"));
        ObjectNode merged = json("{\"step\": 4, \"custom\": {\"k\": \"v\"}, \"items\": 150}");
        assertThat(c2.checkpointData()).isEqualTo(merged);
        assertThat(c2.status()).isEqualTo(TaskStatus.RUNNING);

        Files.writeString(go, "");
        Task retrying = h.awaitStatus(t.id(), TaskStatus.PENDING);
        assertThat(retrying.checkpointData()).as("the checkpoint survives the failed attempt").isEqualTo(merged);
        h.advance(Duration.between(h.now(), retrying.runAt()));

        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        assertThat(done.retryCount()).isEqualTo(1);
        assertThat(Json.read(Files.readString(seen))).isEqualTo(merged);
    }

    @Test
    void firstAttemptGetsNoCheckpointData() throws Exception {
        h.start();
        Path seen = tmp.resolve("seen");
        Task t = h.create(shell("fresh", "printf '%s' \"${CHECKPOINT_DATA-unset}\" > '" + seen + "'").checkpoint(true));
        h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        assertThat(Files.readString(seen)).isEqualTo("unset");
    }

    @Test
    void checkpointIsRefusedUnlessTheTaskRunsWithCheckpointsEnabled() throws Exception {
        h.start(c -> c.withConcurrency(1));
        ObjectNode data = json("{\"step\": 1}");

        Task later = h.create(script("later").checkpoint(true).scheduledAt(h.now().plusSeconds(3600)));
        assertThatThrownBy(() -> h.engine.tasks().checkpoint(later.id(), data))
                .isInstanceOf(ConflictException.class).hasMessageContaining("pending");

        Task disabled = h.create(block("disabled").checkpoint(false));
        h.block.awaitStarted(disabled.id());
        assertThat(h.task(disabled.id()).status()).isEqualTo(TaskStatus.RUNNING);
        assertThatThrownBy(() -> h.engine.tasks().checkpoint(disabled.id(), data))
                .isInstanceOf(ConflictException.class).hasMessageContaining("checkpoint_enabled");

        Task queued = h.create(script("queued").checkpoint(true)); // the only slot is taken
        assertThat(queued.status()).isEqualTo(TaskStatus.QUEUED);
        assertThatThrownBy(() -> h.engine.tasks().checkpoint(queued.id(), data))
                .isInstanceOf(ConflictException.class).hasMessageContaining("queued");

        h.block.release(disabled.id(), true);
        h.awaitStatus(queued.id(), TaskStatus.COMPLETED);
        assertThatThrownBy(() -> h.engine.tasks().checkpoint(queued.id(), data))
                .isInstanceOf(ConflictException.class).hasMessageContaining("completed");
        assertThat(h.task(queued.id()).checkpointData()).isNull();
        assertThat(h.task(disabled.id()).checkpointData()).isNull();

        assertThatThrownBy(() -> h.engine.tasks().checkpoint(999_999, data)).isInstanceOf(NotFoundException.class);
    }
}
