package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the real server: running tasks get the grace period (shutdown-grace-seconds) to
 * finish; whatever still runs after it is killed and put back in the queue, not counted as a
 * retry. The state is checked by a second process on the same data directory.
 */
class GracefulShutdownTest extends ProcessTestBase {
    /**
     * The exit status after a graceful SIGTERM stop. The JVM exits a signal-initiated shutdown
     * with 128 + the signal number once the shutdown hooks (our graceful stop) have run; Main's
     * {@code return 0} after the hook is never reached.
     */
    private static final int EXIT_AFTER_SIGTERM = 143;

    @Test
    void aTaskThatEndsWithinTheGracePeriodCompletes() throws Exception {
        Path data = tmp.resolve("data");
        Path runs = Files.createDirectories(tmp.resolve("work")).resolve("runs");
        ServerProcess first = serve("first", data, ServerProcess.env("COXSWAIN_SHUTDOWN_GRACE_SECONDS", "10"));
        String id = first.createTask(Json.object().put("name", "short").put("max_retries", 2)
                .put("command", "echo run >> '" + runs + "'; sleep 2; echo done"));
        first.await(id + " running", Duration.ofSeconds(30),
                () -> Files.exists(runs) && first.task(id).get("status").asText().equals("running"));

        long t0 = System.nanoTime();
        first.sigterm();
        int exit = first.awaitExit(Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(exit).as("exit status after SIGTERM\n%s", first.output()).isEqualTo(EXIT_AFTER_SIGTERM);
        assertThat(first.stdoutText()).contains("shutting down (grace 10 s)", "shutdown complete")
                .doesNotContain("releasing");
        assertThat(took).as("the stop waited for the task, not for the whole grace period").isLessThan(Duration.ofSeconds(9));

        ServerProcess second = serve("second", data, ServerProcess.env());
        // Read at once: had the task been released, it would be queued or running again now.
        JsonNode t = second.task(id);
        assertThat(t.get("status").asText()).as("%s", t).isEqualTo("completed");
        assertThat(t.get("retry_count").asInt()).isZero();
        assertThat(t.get("result").asText()).isEqualTo("done");
        assertThat(Files.readAllLines(runs)).as("attempts started").containsExactly("run");
        assertThat(second.logMessages(id)).noneMatch(m -> m.contains("interrupted by server shutdown"));
    }

    @Test
    void aTaskStillRunningAfterTheGracePeriodIsReleasedNotFailed() throws Exception {
        Path data = tmp.resolve("data");
        Path pids = Files.createDirectories(tmp.resolve("work")).resolve("long.pids");
        ServerProcess first = serve("first", data, ServerProcess.env(), "--shutdown-grace", "1");
        String id = first.createTask(Json.object().put("name", "long").put("max_retries", 2)
                .put("command", "echo $$ >> '" + pids + "'; exec sleep 60"));
        first.await(id + " sleeping", Duration.ofSeconds(30), () -> ServerProcess.recordedSleeps(pids).size() == 1);
        ProcessHandle sleep = ServerProcess.recordedSleeps(pids).get(0);
        assertThat(first.task(id).get("status").asText()).isEqualTo("running");

        long t0 = System.nanoTime();
        first.sigterm();
        int exit = first.awaitExit(Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(exit).as("exit status after SIGTERM\n%s", first.output()).isEqualTo(EXIT_AFTER_SIGTERM);
        assertThat(took).as("the stop did not wait for the 60 s task").isLessThan(Duration.ofSeconds(30));
        assertThat(first.stdoutText()).contains("shutting down (grace 1 s)", "releasing 1 running task(s)",
                "shutdown complete");
        sleep.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS); // the attempt's process tree was killed
        assertThat(sleep.isAlive()).isFalse();

        ServerProcess second = serve("second", data, ServerProcess.env());
        JsonNode t = second.task(id);
        assertThat(t.get("status").asText()).as("%s", t).isIn("queued", "running");
        assertThat(t.get("retry_count").asInt()).as("%s", t).isZero();
        assertThat(second.logMessages(id)).anyMatch(m -> m.contains("interrupted by server shutdown"))
                .noneMatch(m -> m.contains("failed"));
    }
}
