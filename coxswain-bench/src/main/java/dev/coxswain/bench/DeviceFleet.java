package dev.coxswain.bench;

import dev.coxswain.worker.CoxswainWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * W device workers in this JVM, each owning D devices (serials {@code bench-<w>-<d>}) and running
 * the {@code follow} script, each recording every run in its own {@link DeviceRuns}.
 */
final class DeviceFleet implements AutoCloseable {
    static final String SCRIPT = "follow";

    /** What every worker of the fleet gets. */
    record Settings(String serverUrl, String token, int workers, int devicesPerWorker, Duration scriptTime,
                    Duration idlePollDelay) {
    }

    private final List<CoxswainWorker> agents = new ArrayList<>();
    private final List<DeviceRuns> records = new ArrayList<>();
    private final List<String> serials = new ArrayList<>();

    private DeviceFleet() {
    }

    static String serial(int worker, int device) {
        return "bench-%d-%03d".formatted(worker, device);
    }

    /** Starts the workers and waits until the server has accepted every registration. */
    static DeviceFleet start(Settings s) throws InterruptedException {
        DeviceFleet fleet = new DeviceFleet();
        try {
            for (int w = 0; w < s.workers(); w++) {
                String id = "bench-device-worker-" + w;
                DeviceRuns runs = new DeviceRuns();
                CoxswainWorker.Builder b = CoxswainWorker.builder().serverUrl(s.serverUrl()).workerId(id).masterToken(s.token())
                        .concurrency(s.devicesPerWorker()).idlePollDelay(s.idlePollDelay()).hostname("bench-host")
                        .ipAddress("127.0.0.1").shutdownGracePeriod(Duration.ofSeconds(10));
                for (int d = 0; d < s.devicesPerWorker(); d++) {
                    String serial = serial(w, d);
                    fleet.serials.add(serial);
                    b.device(Map.of("id", serial, "type", "phone", "model", "bench"));
                }
                long scriptNanos = s.scriptTime().toNanos();
                b.skill(SCRIPT, ctx -> {
                    long start = System.nanoTime();
                    String serial = ctx.params().path("serial").asText();
                    if (scriptNanos > 0) LockSupport.parkNanos(scriptNanos);
                    long end = System.nanoTime();
                    String task = ctx.coxswainTask();
                    runs.add(new DeviceRuns.Run(serial, Long.parseLong(task.substring(task.indexOf('-') + 1)), ctx.attempt(),
                            start, end));
                    return Map.of("remark", "followed");
                });
                fleet.agents.add(b.build());
                fleet.records.add(runs);
            }
            for (CoxswainWorker a : fleet.agents) a.start();
            for (CoxswainWorker a : fleet.agents) {
                if (!a.awaitRegistered(Duration.ofSeconds(30))) {
                    throw new IllegalStateException("worker " + a.workerId() + " did not register within 30 s");
                }
            }
            return fleet;
        } catch (RuntimeException | InterruptedException e) {
            fleet.close();
            throw e;
        }
    }

    List<String> serials() {
        return serials;
    }

    /** Each worker's own records, in worker order. */
    List<DeviceRuns> records() {
        return records;
    }

    /** Script runs recorded so far, over every worker. */
    long runs() {
        return records.stream().mapToLong(DeviceRuns::size).sum();
    }

    /** Closes every worker at once (each lets its scripts finish, then signs off). */
    @Override
    public void close() {
        List<Thread> closers = new ArrayList<>();
        for (CoxswainWorker a : agents) closers.add(Thread.ofPlatform().name("close-" + a.workerId()).start(a::close));
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
