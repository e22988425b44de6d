package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node killed with SIGKILL must not leave its attempts' processes running: they die with the
 * JVM, so the retry never runs beside its orphan. (Before: the task's {@code setsid} group
 * outlived the JVM and went on sleeping, and writing, next to the retry.)
 */
class OrphanedAttemptTest extends ProcessTestBase {

    @Test
    void aSigkilledNodesTaskProcessesDieWithItAndAreGoneBeforeTheRetry() throws Exception {
        Path data = tmp.resolve("data");
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path marker = work.resolve("first.marker");
        Path pids = work.resolve("sleeper.pids");
        Path firstPid = work.resolve("first.pid");
        // Attempt 1 records its shell's pid and sleeps 30 s (a background child too, which is
        // no direct child of the JVM); attempt 2 reports whether attempt 1's shell still runs.
        String cmd = "if [ -f '" + marker + "' ]; then"
                + " s=$(cut -d' ' -f3 /proc/$(cat '" + firstPid + "')/stat 2>/dev/null);"
                + " case \"$s\" in ''|Z|X) echo first-attempt-gone;; *) echo first-attempt-running;; esac;"
                + " else touch '" + marker + "'; echo $$ > '" + firstPid + "'; sleep 30 & echo $! >> '" + pids + "';"
                + " echo $$ >> '" + pids + "'; exec sleep 30; fi";

        ServerProcess first = serve("first", data, ServerProcess.env());
        String id = first.createTask(Json.object().put("name", "sleeper").put("command", cmd).put("max_retries", 2));
        first.await("the first attempt to sleep", Duration.ofSeconds(60),
                () -> ServerProcess.recordedSleeps(pids).size() == 2);
        assertThat(first.task(id).get("status").asText()).isEqualTo("running");

        assertThat(first.sigkill()).as("exit status of the killed server").isEqualTo(137);
        // Well within the sleep's 30 s, and without any new node.
        await("the killed node's task processes to be gone").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).until(() -> ServerProcess.recordedSleeps(pids), List::isEmpty);

        ServerProcess second = serve("second", data, ServerProcess.env());
        second.await("the retry to complete", Duration.ofSeconds(90),
                () -> second.task(id).get("status").asText().equals("completed"));
        JsonNode t = second.task(id);
        assertThat(t.get("result").asText()).isEqualTo("first-attempt-gone");
        assertThat(t.get("retry_count").asInt()).isEqualTo(1);
        List<String> logs = second.logMessages(id);
        assertThat(logs).anyMatch(m -> m.contains("stopped renewing its lease"));
    }
}
