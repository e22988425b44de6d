package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/** Test fixtures: a worker wired to the mock with delays shrunk to milliseconds. */
final class Workers {
    static final String WORKER_ID = "java-worker-1";
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Every protocol delay shortened, so retry sequences finish within a test's second or two. */
    static final Timings FAST = new Timings(
            Duration.ofMillis(50), Duration.ofMillis(200),
            Duration.ofMillis(300),
            Duration.ofMillis(50), Duration.ofMillis(200),
            Duration.ofMillis(200),
            Duration.ofMillis(50),
            5, Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(50), Duration.ofMillis(200),
            Duration.ofSeconds(5),
            Duration.ofSeconds(2));

    /** Reports a fixed machine, so bodies do not depend on the host. */
    static final MachineFacts FIXED_MACHINE = new MachineFacts() {
        @Override
        int cpuCores() {
            return 4;
        }

        @Override
        double ramGb() {
            return 15.5;
        }

        @Override
        ObjectNode usage() {
            return MAPPER.createObjectNode().put("cpu_load_percent", 12.5).put("ram_used_gb", 3.25);
        }
    };

    private Workers() {
    }

    static CoxswainWorker.Builder builder(MockWorkerServer server) {
        return CoxswainWorker.builder()
                .serverUrl(server.uri())
                .workerId(WORKER_ID)
                .masterToken(MockWorkerServer.TOKEN)
                .webSocket(false)
                .heartbeatInterval(Duration.ofSeconds(5))
                .pollTimeout(Duration.ofSeconds(1))
                .idlePollDelay(Duration.ofMillis(20))
                .shutdownGracePeriod(Duration.ofSeconds(2))
                .hostname("test-host")
                .ipAddress("127.0.0.1")
                .timings(FAST)
                .machineFacts(FIXED_MACHINE);
    }

    /** A task payload as the server sends it for attempt 1 of {@code task-<n>}. */
    static ObjectNode task(int n, String type, JsonNode params) {
        ObjectNode task = MAPPER.createObjectNode();
        task.put("job_id", "task-" + n);
        task.put("task_id", "task-" + n + ".1");
        task.put("type", type);
        task.set("params", params == null ? MAPPER.createObjectNode() : params);
        task.putObject("tracing_context");
        task.put("priority", 0);
        task.put("timestamp", 1796509208L);
        task.putObject("metadata").put("coxswain_task", "task-" + n).put("attempt", 1).put("name", "t" + n);
        return task;
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
