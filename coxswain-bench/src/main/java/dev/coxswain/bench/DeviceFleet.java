package dev.coxswain.bench;

import dev.coxswain.worker.CoxswainWorker;
import dev.coxswain.worker.Device;
import dev.coxswain.worker.DeviceAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * W {@link DeviceAgent}s in this JVM, each owning D devices (serials {@code bench-<w>-<d>}) and
 * running the {@code follow} script, each recording every run in its own {@link DeviceRuns}. Each
 * has its own HTTP client, session, poller and WebSocket, as separate worker processes would.
 */
final class DeviceFleet implements AutoCloseable {
    static final String SCRIPT = "follow";

    /** What every worker of the fleet gets. */
    record Settings(String serverUrl, String token, int workers, int devicesPerWorker, Duration scriptTime,
                    Duration idlePollDelay) {
    }

    private final List<DeviceAgent> agents = new ArrayList<>();
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
                DeviceAgent.Builder b = DeviceAgent.builder(CoxswainWorker.builder().serverUrl(s.serverUrl()).workerId(id)
                        .masterToken(s.token()).idlePollDelay(s.idlePollDelay()).hostname("bench-host")
                        .ipAddress("127.0.0.1").shutdownGracePeriod(Duration.ofSeconds(10)));
                for (int d = 0; d < s.devicesPerWorker(); d++) {
                    String serial = serial(w, d);
                    fleet.serials.add(serial);
                    b.device(Device.of(serial, "phone").withModel("bench"));
                }
                long scriptNanos = s.scriptTime().toNanos();
                b.script(SCRIPT, (device, config, ctx) -> {
                    long start = System.nanoTime();
                    if (scriptNanos > 0) LockSupport.parkNanos(scriptNanos);
                    long end = System.nanoTime();
                    String task = ctx.task().coxswainTask();
                    runs.add(new DeviceRuns.Run(device.id(), Long.parseLong(task.substring(task.indexOf('-') + 1)),
                            ctx.task().attempt(), start, end));
                    return Map.of("remark", "followed " + config.path("target_user").asText());
                });
                fleet.agents.add(b.build());
                fleet.records.add(runs);
            }
            for (DeviceAgent a : fleet.agents) a.start();
            for (DeviceAgent a : fleet.agents) {
                if (!a.awaitRegistered(Duration.ofSeconds(30))) {
                    throw new IllegalStateException("worker " + a.worker().workerId() + " did not register within 30 s");
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
        for (DeviceAgent a : agents) closers.add(Thread.ofPlatform().name("close-" + a.worker().workerId()).start(a::close));
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
