package dev.coxswain.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A worker that serves device tasks: it declares a set of devices (phones, boards, rigs) and
 * offers a handler per script; the server sends it the tasks of its devices
 * ({@code requirements.device = "<serial>"}) and it runs each with the device, the task's
 * {@code script_config} and its {@code username}, never two at once on one device.
 *
 * <pre>{@code
 * DeviceAgent agent = DeviceAgent.builder(CoxswainWorker.builder()
 *                 .serverUrl("https://coxswain.example.com")
 *                 .workerId("rig-1")
 *                 .masterToken(System.getenv("COXSWAIN_WORKER_TOKEN")))
 *         .device(Device.of("R58M1234", "android").withModel("SM-G991B"))
 *         .device(Device.of("R58M5678", "android"))
 *         .script("post", "Posts params.script_config.video", (device, config, ctx) -> {
 *             ctx.log("posting as " + ctx.username() + " on " + device.id());
 *             adb(device.id()).upload(config.path("video").asText());   // interruptible: a stop ends it
 *             ctx.progress(0.5, "uploaded");
 *             if (ctx.awaitStop(Duration.ofSeconds(3))) return null;      // stopped: the result is ignored
 *             return Map.of("remark", "posted");                          // the remark in /api/v1/task
 *         })
 *         .build();
 * Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
 * agent.start();
 * agent.addDevice(Device.of("R58M9999", "android"));   // plugged in later: the server hears at once
 * }</pre>
 *
 * <p>What it adds to a {@link CoxswainWorker}:
 * <ul>
 *   <li>each script is a skill of the same name (the server accepts it as a device-task script);</li>
 *   <li>the devices go into {@code resources.devices} of the registration and of every heartbeat,
 *       and may change while it runs ({@link #addDevice}, {@link #removeDevice}): a heartbeat goes
 *       out at once with the new list;</li>
 *   <li>it reads {@code params.serial}, {@code params.script_config} (an object, {@code {}} when
 *       absent) and {@code params.username} (optional); a task without a serial fails as invalid
 *       input, one for a device this worker does not have fails permanently (one for a device it
 *       has just withdrawn is handed back to the server's queue instead);</li>
 *   <li>one task per device at a time: the server guarantees it, and the agent checks it again — a
 *       second task for a busy device fails ({@code TRANSIENT_ERROR}, "Device X is busy …"), unless
 *       the task on it was stopped and is winding down, which it waits for (the handover wait);</li>
 *   <li>a stop or cancel from the server interrupts the script; withdrawing a device makes the
 *       server fail its running task per the task's retry rules, cancel it (interrupting the
 *       script) and hold the device's queue;</li>
 *   <li>it runs at most as many tasks at once as it has devices when built, unless
 *       {@link Builder#concurrency} says otherwise (set it when devices are added later: the
 *       server learns the capacity at registration).</li>
 * </ul>
 */
public final class DeviceAgent implements AutoCloseable {
    private final CoxswainWorker worker;
    private final DeviceLocks locks;
    private final List<String> scripts;

    private DeviceAgent(CoxswainWorker worker, DeviceLocks locks, List<String> scripts) {
        this.worker = worker;
        this.locks = locks;
        this.scripts = List.copyOf(scripts);
    }

    /**
     * @param worker the worker's connection settings (server URL, id, token, heartbeat and poll
     *               timing, …); it may carry plain skills too. The agent adds its scripts, its
     *               devices and — unless it was set there — the concurrency.
     */
    public static Builder builder(CoxswainWorker.Builder worker) {
        return new Builder(worker);
    }

    /** Starts the worker (register, heartbeat, poll) and returns at once. */
    public DeviceAgent start() {
        worker.start();
        return this;
    }

    /** @return false when {@code timeout} passed before the server accepted the registration */
    public boolean awaitRegistered(Duration timeout) throws InterruptedException {
        return worker.awaitRegistered(timeout);
    }

    /**
     * Adds a device (or replaces the one with the same serial); the server hears of it at once.
     *
     * @return whether the list changed
     */
    public boolean addDevice(Device device) {
        return worker.addDevice(device);
    }

    /**
     * Withdraws a device: the heartbeat sent at once no longer lists it; the server fails the
     * task running on it (retried per the task's rules), cancels it in that heartbeat's answer
     * (which interrupts the script) and holds the device's queue until the device is back. A task
     * the server sent for the device before it heard is handed back to that queue.
     *
     * @return whether the agent had that device
     */
    public boolean removeDevice(String serial) {
        return worker.removeDevice(serial);
    }

    /** The devices declared now. */
    public List<Device> devices() {
        return worker.devices();
    }

    public Optional<Device> device(String serial) {
        return worker.device(serial);
    }

    /** Serial → wire task id of every device running a script now. */
    public Map<String, String> busyDevices() {
        return locks.busy();
    }

    /** How many tasks wait now for a stopped task on their device to wind down. */
    int handoversWaiting() {
        return locks.waiting();
    }

    /** The script names, as advertised skills. */
    public List<String> scripts() {
        return scripts;
    }

    /** The worker underneath (its id, running tasks, registration state). */
    public CoxswainWorker worker() {
        return worker;
    }

    /**
     * Closes the worker gracefully: running scripts get the grace period, then are interrupted
     * and handed back to the server (queued again, not counted as a retry).
     */
    @Override
    public void close() {
        worker.close();
    }

    /** Configures a {@link DeviceAgent}; at least one script is required. */
    public static final class Builder {
        /** How long a task waits by default for a stopped task on its device to finish. */
        static final Duration DEFAULT_HANDOVER_WAIT = Duration.ofSeconds(10);

        private final CoxswainWorker.Builder worker;
        private final Map<String, Script> scripts = new LinkedHashMap<>();
        private Integer concurrency;
        private Duration handoverWait = DEFAULT_HANDOVER_WAIT;

        private record Script(String description, DeviceScript body) {
        }

        private Builder(CoxswainWorker.Builder worker) {
            this.worker = Objects.requireNonNull(worker, "worker");
        }

        /** Declares a device; its {@code id} is the serial tasks name. */
        public Builder device(Device device) {
            worker.device(device);
            return this;
        }

        public Builder devices(Collection<Device> devices) {
            devices.forEach(this::device);
            return this;
        }

        /** Offers a script: device tasks of type {@code name} run {@code script}. */
        public Builder script(String name, DeviceScript script) {
            return script(name, null, script);
        }

        /** @param description shown with the skill on the server (may be null) */
        public Builder script(String name, String description, DeviceScript script) {
            dev.coxswain.worker.protocol.Identifiers.requireValid(name, "script name");
            Objects.requireNonNull(script, "script");
            if (scripts.putIfAbsent(name, new Script(description, script)) != null) {
                throw new IllegalArgumentException("Script '" + name + "' is declared twice");
            }
            return this;
        }

        /**
         * Most tasks run at once (default: the number of devices declared when built, at least 1;
         * the server learns it at registration).
         */
        public Builder concurrency(int maxTasksInFlight) {
            if (maxTasksInFlight < 1) throw new IllegalArgumentException("Concurrency must be at least 1");
            this.concurrency = maxTasksInFlight;
            return this;
        }

        /**
         * How long a task waits for a stopped task on its device to wind down before failing as
         * "busy", and a task for a just-withdrawn device for the server to hear of the withdrawal
         * before it is handed back (default 10 s).
         */
        public Builder handoverWait(Duration wait) {
            if (wait == null || wait.isNegative()) throw new IllegalArgumentException("Handover wait must not be negative");
            this.handoverWait = wait;
            return this;
        }

        /** @throws IllegalStateException without a script, or when the worker's settings are incomplete */
        public DeviceAgent build() {
            if (scripts.isEmpty()) throw new IllegalStateException("A device agent needs at least one script");
            DeviceRoster roster = new DeviceRoster();
            DeviceLocks locks = new DeviceLocks(handoverWait);
            String workerId = worker.workerIdOrNull();
            if (workerId == null) throw new IllegalStateException("workerId is required");
            for (Map.Entry<String, Script> e : scripts.entrySet()) {
                worker.skill(e.getKey(), e.getValue().description(),
                        new DeviceScriptHandler(e.getValue().body(), roster, locks, workerId, handoverWait));
            }
            if (concurrency != null) {
                worker.concurrency(concurrency);
            } else if (!worker.concurrencySet()) {
                worker.concurrency(Math.max(1, worker.declaredDevices()));
            }
            CoxswainWorker built = worker.deviceRoster(roster).build();
            return new DeviceAgent(built, locks, new ArrayList<>(scripts.keySet()));
        }
    }
}
