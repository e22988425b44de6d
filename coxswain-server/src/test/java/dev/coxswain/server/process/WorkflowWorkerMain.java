package dev.coxswain.server.process;

import dev.coxswain.worker.CoxswainWorker;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@link CoxswainWorker} with the {@link WorkflowSkills}, as a program of its own, so a test can
 * run it as a separate process and SIGKILL it mid-task. Arguments: server URL, worker id,
 * records file, concurrency, skills (comma-separated). The master token comes from
 * {@value #TOKEN_ENV} (never the command line). Prints {@code registered <id>} once the server
 * has accepted it, then runs until killed.
 */
public final class WorkflowWorkerMain {
    static final String TOKEN_ENV = "COXSWAIN_WORKER_TOKEN";

    private WorkflowWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: WorkflowWorkerMain <server-url> <worker-id> <records-file> <concurrency> <skills>");
            System.exit(2);
        }
        String id = args[1];
        WorkflowSkills skills = new WorkflowSkills(id, new StepRecords(Path.of(args[2])));
        CoxswainWorker worker = skills.offer(builder(args[0], id, System.getenv(TOKEN_ENV), Integer.parseInt(args[3])),
                args[4].split(",")).build();
        worker.start();
        if (!worker.awaitRegistered(Duration.ofSeconds(60))) {
            System.err.println("not registered within 60 s");
            System.exit(1);
        }
        System.out.println("registered " + id);
        System.out.flush();
    }

    /**
     * The settings every workflow test worker has, in a process or in the test JVM: a heartbeat
     * every second (so the server's short TTL in the tests sees a live worker as live), quick idle
     * polls, the host named (no name lookup).
     */
    static CoxswainWorker.Builder builder(String server, String id, String token, int concurrency) {
        return CoxswainWorker.builder()
                .serverUrl(server)
                .workerId(id)
                .masterToken(token)
                .concurrency(concurrency)
                .heartbeatInterval(Duration.ofSeconds(1))
                .idlePollDelay(Duration.ofMillis(20))
                .shutdownGracePeriod(Duration.ofSeconds(1))
                .hostname("proc-test-host")
                .ipAddress("127.0.0.1");
    }
}
