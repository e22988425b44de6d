package dev.coxswain.core.engine;

import static dev.coxswain.core.engine.EngineHarness.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskPatch;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.service.ValidationException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scheduled-time range is core's rule, so every face refuses the same dates: one that was
 * accepted three centuries back overflowed the engine's durations after its claim committed.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class ScheduledAtRangeTest extends EngineTestBase {
    private static final Instant ANCIENT = Instant.parse("1700-01-01T00:00:00Z");

    @Test
    void createRefusesAScheduledTimeBeforeTheRangeNamingTheField() {
        h.build(c -> c);
        assertThatThrownBy(() -> h.create(script("ancient").scheduledAt(ANCIENT)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.fields()).containsKey("scheduled_at"));
        assertThatThrownBy(() -> h.engine.tasks().createAll(List.of(script("bulk").scheduledAt(ANCIENT).build())))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.fields()).containsKey("scheduled_at"));
    }

    @Test
    void updateRefusesItAndLeavesTheTaskAsItWas() {
        h.build(c -> c);
        Task t = h.create(script("parked").scheduledAt(EngineHarness.T0.plusSeconds(3600)));
        TaskPatch p = new TaskPatch(null, null, null, null, true, ANCIENT, null, null, null);
        assertThatThrownBy(() -> h.engine.tasks().update(t.id(), p))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.fields()).containsKey("scheduled_at"));
        Task after = h.task(t.id());
        assertThat(after.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(after.scheduledAt()).isEqualTo(EngineHarness.T0.plusSeconds(3600));
    }
}
