package dev.coxswain.bench;

import dev.coxswain.worker.CoxswainWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * W remote workers in this JVM, each a {@link CoxswainWorker} of its own (its own HTTP client,
 * session, poller and WebSocket, as separate worker processes would have), all with the
 * {@code noop} skill. Started together, closed together.
 */
final class WorkerFleet implements AutoCloseable {
    /** The settings every worker of a fleet gets. */
    record Settings(String serverUrl, String token, int concurrency, Duration idlePollDelay, boolean webSocket) {
    }

    private final List<CoxswainWorker> workers;

    private WorkerFleet(List<CoxswainWorker> workers) {
        this.workers = workers;
    }

    /**
     * Starts {@code count} workers named {@code <prefix>-<i>} and waits until the server has
     * accepted every registration.
     */
    static WorkerFleet start(Settings s, String prefix, int count, NoopSkill skill) throws InterruptedException {
        List<CoxswainWorker> list = new ArrayList<>(count);
        WorkerFleet fleet = new WorkerFleet(list);
        try {
            for (int i = 0; i < count; i++) {
                list.add(CoxswainWorker.builder()
                        .serverUrl(s.serverUrl())
                        .workerId(prefix + "-" + i)
                        .masterToken(s.token())
                        .concurrency(s.concurrency())
                        .idlePollDelay(s.idlePollDelay())
                        .webSocket(s.webSocket())
                        // Given, so no worker waits on a host-name lookup.
                        .hostname("bench-host")
                        .ipAddress("127.0.0.1")
                        .shutdownGracePeriod(Duration.ofSeconds(10))
                        .skill(NoopSkill.NAME, "does nothing (benchmark)", skill)
                        .build());
            }
            for (CoxswainWorker w : list) w.start();
            for (CoxswainWorker w : list) {
                if (!w.awaitRegistered(Duration.ofSeconds(30))) {
                    throw new IllegalStateException("worker " + w.workerId() + " did not register within 30 s");
                }
            }
            return fleet;
        } catch (RuntimeException | InterruptedException e) {
            fleet.close();
            throw e;
        }
    }

    /** Closes every worker at once (each lets its tasks finish, then signs off). */
    @Override
    public void close() {
        List<Thread> closers = new ArrayList<>(workers.size());
        for (CoxswainWorker w : workers) closers.add(Thread.ofPlatform().name("close-" + w.workerId()).start(w::close));
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
