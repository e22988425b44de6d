package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs one script of a {@link DeviceAgent} as the worker's skill of that name: reads the device
 * task's {@code params} ({@code serial}, {@code script_config}, {@code username}), finds the
 * device among those the worker declares, holds it for the length of the script and calls the
 * script.
 *
 * <p>A task for a device this worker does not have fails permanently (a retry would reach the
 * same worker) — unless the worker has just withdrawn that device and the server sent the task
 * before it heard: then, once the server has taken the new list, the task is handed back
 * ({@code released}) and waits in its device's queue like the rest.
 */
final class DeviceScriptHandler implements TaskHandler {
    static final String PARAM_SERIAL = "serial";
    static final String PARAM_SCRIPT_CONFIG = "script_config";
    static final String PARAM_USERNAME = "username";

    private final DeviceScript script;
    private final DeviceRoster devices;
    private final DeviceLocks locks;
    private final String workerId;
    private final Duration reportWait;

    /** @param reportWait how long a task for a just-withdrawn device waits for the server to hear of it */
    DeviceScriptHandler(DeviceScript script, DeviceRoster devices, DeviceLocks locks, String workerId, Duration reportWait) {
        this.script = script;
        this.devices = devices;
        this.locks = locks;
        this.workerId = workerId;
        this.reportWait = reportWait;
    }

    @Override
    public Object handle(TaskContext task) throws Exception {
        JsonNode params = task.params();
        String serial = serial(params);
        JsonNode config = config(params);
        String username = username(params);
        device(serial);
        DeviceLocks.Lease lease = locks.acquire(serial, task);
        try {
            // Looked up again under the lease: the device may have been withdrawn while we waited.
            Device device = device(serial);
            return script.run(device, config, new DeviceRun(task, serial, username));
        } finally {
            lease.release();
        }
    }

    private Device device(String serial) throws InterruptedException {
        Optional<Device> device = devices.find(serial);
        if (device.isPresent()) return device.get();
        Optional<Long> withdrawn = devices.withdrawnAt(serial);
        if (withdrawn.isPresent()) {
            // Handed back only once the server has the list without it, so it is not sent here again.
            devices.awaitReported(withdrawn.get(), reportWait);
            throw new HandBack("device " + serial + " was withdrawn from this worker");
        }
        throw TaskFailure.permanent("Device " + serial + " is not attached to worker " + workerId
                + " (it has " + devices.size() + " device(s))");
    }

    private static String serial(JsonNode params) {
        JsonNode serial = params.get(PARAM_SERIAL);
        if (serial == null || !serial.isTextual() || serial.textValue().isBlank()) {
            throw TaskFailure.invalidInput("params.serial (the device's serial) is required for a device task");
        }
        return serial.textValue();
    }

    private static JsonNode config(JsonNode params) {
        JsonNode config = params.get(PARAM_SCRIPT_CONFIG);
        if (config == null || config.isNull()) return JsonNodeFactory.instance.objectNode();
        if (!config.isObject()) throw TaskFailure.invalidInput("params.script_config must be a JSON object");
        return config.deepCopy();
    }

    private static String username(JsonNode params) {
        JsonNode username = params.get(PARAM_USERNAME);
        if (username == null || username.isNull()) return null;
        if (!username.isTextual()) throw TaskFailure.invalidInput("params.username must be a string");
        return username.textValue().isEmpty() ? null : username.textValue();
    }
}
