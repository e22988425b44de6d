package dev.coxswain.core.remote;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireIdsTest {
    @Test
    void eachAttemptHasItsOwnTaskIdAndATaskIsItsOwnJob() {
        assertThat(WireIds.taskId(7, 1)).isEqualTo("task-7.1");
        assertThat(WireIds.taskId(7, 12)).isEqualTo("task-7.12");
        assertThat(WireIds.jobId(7)).isEqualTo("task-7");
    }

    @Test
    void wireIdsParseBackToTheAttemptTheyName() {
        assertThat(WireIds.parse("task-7.1")).isEqualTo(new WireIds.Ref(7, 1));
        assertThat(WireIds.parse(WireIds.taskId(9_000_000_000L, 3))).isEqualTo(new WireIds.Ref(9_000_000_000L, 3));
    }

    @Test
    void aJobIdNamesTheTaskWithoutAnAttempt() {
        assertThat(WireIds.parse("task-7")).isEqualTo(new WireIds.Ref(7, -1));
        assertThat(WireIds.parse(WireIds.jobId(42))).isEqualTo(new WireIds.Ref(42, -1));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "task-", "task-.1", "task-7.", "task-0.1", "task-0", "task-7.0", "task--7.1",
            "task-7.-1", "task-x.1", "task-7.x", "task-7.1.2", "Task-7.1", "job-7.1", "7.1",
            "task-99999999999999999999.1", "task-7.99999999999", "4f1c0a6e-uuid"})
    void anythingElseIsNotACoxswainTaskId(String s) {
        assertThat(WireIds.parse(s)).isNull();
    }
}
