package dev.coxswain.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The replay worker's TaskPayload parser is as strict as the SDK's msgspec model. */
class TaskPayloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Transcript poll #8's answer. */
    private static final String SDK_ECHO = "{\"job_id\": \"d65d2415\", \"task_id\": \"task-7b3c6b75\", \"type\": \"echo\", "
            + "\"params\": {\"message\": \"hello\", \"n\": 42, \"nested\": {\"a\": [1, 2, 3]}}, \"tracing_context\": {}, "
            + "\"priority\": 0, \"timestamp\": 1796509208, \"deadline\": 1796509508, \"metadata\": {\"origin\": \"mock\"}}";

    private static TaskPayload parse(String json) throws Exception {
        return TaskPayload.parse(JSON.readTree(json));
    }

    /** The SDK's echo payload with {@code key} set to the JSON {@code value}. */
    private static String with(String key, String value) {
        try {
            var o = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(SDK_ECHO);
            o.set(key, JSON.readTree(value));
            return JSON.writeValueAsString(o);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void acceptsWhatTheSdkAccepted() throws Exception {
        TaskPayload p = parse(SDK_ECHO);
        assertThat(p.jobId()).isEqualTo("d65d2415");
        assertThat(p.taskId()).isEqualTo("task-7b3c6b75");
        assertThat(p.type()).isEqualTo("echo");
        assertThat(p.params().path("nested").path("a").size()).isEqualTo(3);
        assertThat(p.timestamp()).isEqualTo(1796509208L);
        assertThat(p.deadline()).isEqualTo(1796509508L);
        assertThat(p.metadata().path("origin").asText()).isEqualTo("mock");
        assertThat(parse("{\"job_id\":\"j\",\"task_id\":\"t\",\"type\":\"x\",\"unknown\":1.5,\"priority\":2.5}").params()).isEmpty();
        assertThat(parse("{\"job_id\":\"j\",\"task_id\":\"t\",\"type\":\"x\",\"timestamp\":null,\"params\":null}").timestamp()).isNull();
    }

    @Test
    void floatTimesAreRefusedAndFlagged() {
        for (String bad : new String[]{with("timestamp", "1796509208.0"), with("timestamp", "1796509208.25"),
                with("deadline", "1796509508.5"), with("timestamp", "1.7965e9")}) {
            assertThatThrownBy(() -> parse(bad)).isInstanceOfSatisfying(TaskPayload.Rejected.class,
                    e -> assertThat(e.floatTime).as(bad).isTrue());
        }
        assertThatThrownBy(() -> parse(with("timestamp", "\"1796509208\""))).isInstanceOfSatisfying(TaskPayload.Rejected.class,
                e -> assertThat(e.floatTime).isFalse());
    }

    @Test
    void otherTypeErrorsAreRefused() {
        for (String bad : new String[]{with("params", "[1]"), with("params", "\"x\""), with("tracing_context", "{\"a\": 1}"),
                with("priority", "\"high\""), with("priority", "true"), with("metadata", "[]"), with("job_id", "7"),
                "{\"task_id\":\"t\",\"type\":\"x\"}", "[]", "{\"job_id\":\"j\",\"task_id\":\"t\",\"type\":\"x\",\"step\":1.5}"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(TaskPayload.Rejected.class);
        }
    }

    @Test
    void anEmptyObjectIsNoTask() throws Exception {
        assertThat(TaskPayload.noTask(JSON.readTree("{}"))).isTrue();
        assertThat(TaskPayload.noTask(null)).isTrue();
        assertThat(TaskPayload.noTask(JSON.readTree(SDK_ECHO))).isFalse();
    }
}
