package dev.coxswain.server.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceTaskIdsTest {
    @Test
    void aPathIdIsAPositiveInteger() {
        assertThat(DeviceTaskIds.fromPath("42")).isEqualTo(42);
        assertThat(DeviceTaskIds.fromPath("007")).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-1", "1.5", "1e3", "task-1", "", "9999999999999999999", " 1"})
    void anythingElseIs40001(String raw) {
        assertThatThrownBy(() -> DeviceTaskIds.fromPath(raw)).isInstanceOfSatisfying(DeviceError.class,
                e -> assertThat(e.code()).isEqualTo(DeviceCode.INVALID_PARAMS));
    }

    @Test
    void batchIdsInOrderWithoutRepeats() {
        assertThat(DeviceTaskIds.batch(Json.read("{\"task_ids\": [3, 1, 3, 2]}"))).containsExactly(3L, 1L, 2L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"task_ids\": null}", "{\"task_ids\": []}", "{\"task_ids\": 1}", "{\"task_ids\": \"1,2\"}",
            "{\"task_ids\": [\"1\"]}", "{\"task_ids\": [1.5]}", "{\"task_ids\": [0]}", "{\"task_ids\": [-3]}",
            "{\"task_ids\": [null]}", "{\"task_ids\": [99999999999999999999]}", "[1, 2]", "7"})
    void aBadBatchIs40001(String body) {
        assertThatThrownBy(() -> DeviceTaskIds.batch(Json.read(body))).isInstanceOfSatisfying(DeviceError.class,
                e -> assertThat(e.code()).isEqualTo(DeviceCode.INVALID_PARAMS));
    }

    @Test
    void atMostAThousand() {
        StringBuilder b = new StringBuilder("{\"task_ids\": [");
        for (int i = 1; i <= 1001; i++) b.append(i == 1 ? "" : ",").append(i);
        assertThatThrownBy(() -> DeviceTaskIds.batch(Json.read(b.append("]}").toString()))).hasMessageContaining("at most 1000");
        StringBuilder ok = new StringBuilder("{\"task_ids\": [");
        for (int i = 1; i <= 1000; i++) ok.append(i == 1 ? "" : ",").append(i);
        assertThat(DeviceTaskIds.batch(Json.read(ok.append("]}").toString()))).hasSize(1000);
    }
}
