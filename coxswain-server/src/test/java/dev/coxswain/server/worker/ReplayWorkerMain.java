package dev.coxswain.server.worker;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One {@link SdkReplayWorker} as a process of its own, so a test can SIGKILL a worker mid-task
 * the way a crashed machine loses one. Arguments: server base URL, worker id, and optionally the
 * devices to declare as the SDK does ({@code WORKER_DEVICES}: a JSON array of
 * {@code {"type", "model", "id", "properties"}}, sent in the registration only). The master token
 * comes from {@code REPLAY_WORKER_TOKEN} (never the command line: {@code ps} shows that).
 *
 * <p>Reports on stdout, one line each: {@code REGISTERED <id>}, {@code TASK <job_id> <task_id>
 * <type>} per payload accepted, {@code PROTOCOL_FAILURE <text>}. SIGTERM closes the worker (the
 * offline heartbeat); SIGKILL gives it no chance to say anything.
 */
public final class ReplayWorkerMain {
    static final String TOKEN_ENV = "REPLAY_WORKER_TOKEN";

    private ReplayWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: ReplayWorkerMain <base-url> <worker-id> [<devices JSON array>]   (token in $" + TOKEN_ENV + ")");
            System.exit(2);
        }
        String token = System.getenv(TOKEN_ENV);
        if (token == null || token.isBlank()) {
            System.err.println("$" + TOKEN_ENV + " is not set");
            System.exit(2);
        }
        SdkReplayWorker.Builder b = SdkReplayWorker.builder(URI.create(args[0]), args[1], token)
                .heartbeatInterval(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ofSeconds(2));
        if (args.length == 3) {
            for (com.fasterxml.jackson.databind.JsonNode d : new com.fasterxml.jackson.databind.ObjectMapper().readTree(args[2])) {
                b.device((com.fasterxml.jackson.databind.node.ObjectNode) d);
            }
        }
        SdkReplayWorker w = b.build();
        Runtime.getRuntime().addShutdownHook(new Thread(w::close, "replay-worker-shutdown"));
        w.start();
        while (!w.awaitRegistered(Duration.ofSeconds(1))) {
            // keep waiting: the SDK retries registration for ever
        }
        say("REGISTERED " + w.id());
        int payloadsSaid = 0;
        int failuresSaid = 0;
        while (true) {
            List<TaskPayload> ps = w.payloads();
            for (; payloadsSaid < ps.size(); payloadsSaid++) {
                TaskPayload p = ps.get(payloadsSaid);
                say("TASK " + p.jobId() + " " + p.taskId() + " " + p.type());
            }
            List<String> fs = w.protocolFailures();
            for (; failuresSaid < fs.size(); failuresSaid++) say("PROTOCOL_FAILURE " + fs.get(failuresSaid));
            Thread.sleep(20);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
