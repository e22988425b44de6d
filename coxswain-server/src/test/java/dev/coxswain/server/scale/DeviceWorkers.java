package dev.coxswain.server.scale;

import dev.coxswain.worker.CoxswainWorker;
import dev.coxswain.worker.Device;
import dev.coxswain.worker.DeviceAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The scale test's device workers in this JVM: {@code workers} {@link DeviceAgent}s, each owning
 * {@code devicesPerWorker} devices (serials {@code scale-<w>-<d>}) and running the {@code follow}
 * script, each recording every script run in its own {@link ScriptRuns}. Each has its own HTTP
 * client, session, poller and WebSocket, as separate worker processes would.
 */
final class DeviceWorkers implements AutoCloseable {
    static final String SCRIPT = "follow";

    private final List<DeviceAgent> agents;
    private final List<ScriptRuns> records;
    private final List<List<String>> serials;

    private DeviceWorkers(List<DeviceAgent> agents, List<ScriptRuns> records, List<List<String>> serials) {
        this.agents = agents;
        this.records = records;
        this.serials = serials;
    }

    static String serial(int worker, int device) {
        return "scale-%d-%03d".formatted(worker, device);
    }

    /** Starts the workers and waits until the server has accepted every registration. */
    static DeviceWorkers start(String serverUrl, String token, int workers, int devicesPerWorker, Duration scriptTime)
            throws InterruptedException {
        List<DeviceAgent> agents = new ArrayList<>();
        List<ScriptRuns> records = new ArrayList<>();
        List<List<String>> serials = new ArrayList<>();
        DeviceWorkers fleet = new DeviceWorkers(agents, records, serials);
        try {
            for (int w = 0; w < workers; w++) {
                String id = "scale-worker-" + w;
                ScriptRuns runs = new ScriptRuns();
                List<String> own = new ArrayList<>();
                // A short idle delay: with 50 devices a worker polls often, and an empty poll
                // should not hold a device's next task back by the default half second.
                DeviceAgent.Builder b = DeviceAgent.builder(CoxswainWorker.builder().serverUrl(serverUrl).workerId(id)
                        .masterToken(token).idlePollDelay(Duration.ofMillis(10)).hostname("scale-host")
                        .ipAddress("127.0.0.1").shutdownGracePeriod(Duration.ofSeconds(5)));
                for (int d = 0; d < devicesPerWorker; d++) {
                    String s = serial(w, d);
                    own.add(s);
                    b.device(Device.of(s, "phone").withModel("scale"));
                }
                b.script(SCRIPT, (device, config, ctx) -> {
                    long start = System.nanoTime();
                    LockSupport.parkNanos(scriptTime.toNanos());
                    long end = System.nanoTime();
                    runs.add(new ScriptRun(device.id(), taskNumber(ctx.task().coxswainTask()), ctx.task().attempt(), start, end));
                    return Map.of("remark", "followed " + config.path("target_user").asText());
                });
                agents.add(b.build());
                records.add(runs);
                serials.add(own);
            }
            for (DeviceAgent a : agents) a.start();
            for (DeviceAgent a : agents) {
                if (!a.awaitRegistered(Duration.ofSeconds(30))) throw new AssertionError(a.worker().workerId() + " did not register");
            }
            return fleet;
        } catch (RuntimeException | InterruptedException | AssertionError e) {
            fleet.close();
            throw e;
        }
    }

    /** Each worker's own records, in worker order. */
    List<ScriptRuns> records() {
        return records;
    }

    /** The serials worker {@code w} owns. */
    List<String> serials(int w) {
        return serials.get(w);
    }

    List<String> allSerials() {
        return serials.stream().flatMap(List::stream).toList();
    }

    @Override
    public void close() {
        List<Thread> closers = new ArrayList<>();
        for (DeviceAgent a : agents) closers.add(Thread.ofPlatform().start(a::close));
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** {@code task-<n>} → n. */
    static long taskNumber(String coxswainTask) {
        return Long.parseLong(coxswainTask.substring(coxswainTask.indexOf('-') + 1));
    }
}
