package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.coxswain.worker.protocol.Protocol;
import java.util.Optional;

/**
 * Runs one script of a {@link DeviceAgent} as the worker's skill of that name: reads the device
 * task's {@code params} ({@code serial}, {@code script_config}, {@code username}), finds the
 * device among those the worker declares, holds it for the length of the script and calls the
 * script. A task for a device this worker does not have fails permanently (a retry would reach
 * the same worker); a device withdrawn mid-script fails the attempt as transient, as the server
 * does when the heartbeat no longer lists the device.
 */
final class DeviceScriptHandler implements TaskHandler {
    static final String PARAM_SERIAL = "serial";
    static final String PARAM_SCRIPT_CONFIG = "script_config";
    static final String PARAM_USERNAME = "username";

    private final DeviceScript script;
    private final DeviceRoster devices;
    private final DeviceLocks locks;
    private final String workerId;

    DeviceScriptHandler(DeviceScript script, DeviceRoster devices, DeviceLocks locks, String workerId) {
        this.script = script;
        this.devices = devices;
        this.locks = locks;
        this.workerId = workerId;
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
            DeviceRun run = new DeviceRun(task, serial, username, lease);
            Object result;
            try {
                result = script.run(device, config, run);
            } catch (Exception | Error e) {
                if (lease.withdrawn() && !task.isCancelled()) throw withdrawn(serial, e);
                throw e;
            }
            // The device went away under the script: whatever it managed, the server has failed it.
            if (lease.withdrawn() && !task.isCancelled()) throw withdrawn(serial, null);
            return result;
        } finally {
            lease.release();
        }
    }

    private Device device(String serial) {
        Optional<Device> device = devices.find(serial);
        if (device.isEmpty()) {
            throw TaskFailure.permanent("Device " + serial + " is not attached to worker " + workerId
                    + " (it has " + devices.size() + " device(s))");
        }
        return device.get();
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

    private TaskFailure withdrawn(String serial, Throwable cause) {
        return new TaskFailure(Protocol.ERROR_TRANSIENT, "Device " + serial + " was withdrawn from worker " + workerId
                + " while the script ran", cause);
    }
}
