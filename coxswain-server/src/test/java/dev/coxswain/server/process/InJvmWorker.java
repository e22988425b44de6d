package dev.coxswain.server.process;

import dev.coxswain.worker.CoxswainWorker;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@link CoxswainWorker} with the {@link WorkflowSkills} inside the test JVM, recording to
 * {@code <id>.records} in {@code dir}.
 */
final class InJvmWorker implements AutoCloseable {
    final String id;
    final Path records;
    private final CoxswainWorker worker;

    private InJvmWorker(String id, Path records, CoxswainWorker worker) {
        this.id = id;
        this.records = records;
        this.worker = worker;
    }

    /** Starts the worker and waits until the server has accepted its registration. */
    static InJvmWorker start(int port, String token, String id, Path dir, int concurrency, String... skills)
            throws InterruptedException {
        Path records = dir.resolve(id + ".records");
        CoxswainWorker w = new WorkflowSkills(id, new StepRecords(records))
                .offer(WorkflowWorkerMain.builder("http://127.0.0.1:" + port, id, token, concurrency), skills).build();
        w.start();
        if (!w.awaitRegistered(Duration.ofSeconds(30))) {
            w.close();
            throw new AssertionError("worker " + id + " not registered within 30 s");
        }
        return new InJvmWorker(id, records, w);
    }

    @Override
    public void close() {
        worker.close();
    }
}
