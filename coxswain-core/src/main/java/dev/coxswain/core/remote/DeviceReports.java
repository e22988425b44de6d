package dev.coxswain.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.TaskTransitions;
import dev.coxswain.core.store.DeviceStore;
import dev.coxswain.core.store.DeviceStore.Reported;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a worker's device report ({@code resources.devices}: the SDK's {@code {id, type, model,
 * properties}} objects, {@code id} being the serial) to the store, inside the transaction of the
 * registration or heartbeat that carried it. A device that vanished from its worker's report
 * fails its running task as a lost attempt (retried per the task's rules); its queue waits until
 * it is reported again.
 */
final class DeviceReports {
    /** Longest serial kept; longer ids are not devices Coxswain can address. */
    static final int MAX_SERIAL = 200;

    private final DeviceStore devices;
    private final TaskStore tasks;
    private final TaskTransitions transitions;

    DeviceReports(DeviceStore devices, TaskStore tasks, TaskTransitions transitions) {
        this.devices = devices;
        this.tasks = tasks;
        this.transitions = transitions;
    }

    /**
     * The addressable devices of a report. Entries without a usable {@code id} (the SDK reports
     * GPUs without one) are skipped: no task can name them.
     */
    static List<Reported> parse(JsonNode report) {
        List<Reported> out = new ArrayList<>();
        if (report == null || !report.isArray()) return out;
        for (JsonNode d : report) {
            if (!d.isObject() || !d.path("id").isTextual()) continue;
            String serial = d.get("id").asText().strip();
            if (serial.isEmpty() || serial.length() > MAX_SERIAL || serial.chars().anyMatch(Character::isISOControl)) continue;
            JsonNode props = d.get("properties");
            out.add(new Reported(serial, text(d, "type"), text(d, "model"), props != null && props.isObject() ? props : null));
        }
        return out;
    }

    /** The serial a task must run on ({@code requirements.device} of its payload), or null. */
    static String deviceOf(Task t) {
        JsonNode d = t.payload() == null ? null : t.payload().path("requirements").get("device");
        return d != null && d.isTextual() ? d.asText() : null;
    }

    private static String text(JsonNode d, String key) {
        JsonNode v = d.get(key);
        return v != null && v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    /**
     * Makes the worker's devices what it reported.
     *
     * @param lost collects the ids of tasks whose attempt failed because their device vanished
     */
    void apply(Tx tx, String workerId, JsonNode report, Instant now, List<Long> lost) throws SQLException {
        for (DeviceStore.Device gone : devices.sync(tx, workerId, parse(report), now)) {
            // A running device task always occupies its device (the claim marks it busy).
            if (gone.busyTaskId() == null) continue;
            Task t = tasks.findForUpdate(tx, gone.busyTaskId());
            if (t == null || t.status() != TaskStatus.RUNNING || !workerId.equals(t.workerId())) continue;
            transitions.attemptLost(tx, t, now, "device " + gone.serial() + " disappeared from worker " + workerId);
            lost.add(t.id());
        }
    }
}
