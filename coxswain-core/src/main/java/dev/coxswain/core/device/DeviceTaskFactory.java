package dev.coxswain.core.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.store.DeviceTaskStore;
import java.time.Instant;
import java.util.List;

/**
 * Turns one planned device task into the native task that runs it: the script is the task's type
 * (a skill of device workers), the device is its requirement (so only the worker holding the
 * device claims it), and the retry, timeout and owner rules come from the settings and the plan.
 */
final class DeviceTaskFactory {
    static final int PRIORITY = 5;

    private final DeviceSettings settings;

    DeviceTaskFactory(DeviceSettings settings) {
        this.settings = settings;
    }

    /**
     * @param owner       the principal's id: its plan's limits count its tasks
     * @param ownerLimit  its plan's concurrency (null = none)
     */
    NewTask build(String script, FanOut.Planned p, Instant due, String source, String owner, Integer ownerLimit) {
        ObjectNode payload = Json.object();
        ObjectNode params = payload.putObject("params");
        params.put("serial", p.serial());
        params.put("script_name", script);
        params.set("script_config", p.config());
        if (p.username() != null) params.put("username", p.username());
        payload.putObject("requirements").put("device", p.serial());
        return new NewTask(script, name(script, p), null, payload, PRIORITY, settings.maxRetries(),
                Backoff.random(settings.retryDelayMin(), settings.retryDelayMax()), due, settings.taskTimeoutSeconds(),
                List.of("device:" + p.serial()), List.of(), false, DeviceTaskStore.ORIGIN, source, owner, ownerLimit);
    }

    /** {@code "<script> on <serial>"}, then {@code " as <username>"} and {@code " → <target>"} when there are. */
    static String name(String script, FanOut.Planned p) {
        StringBuilder b = new StringBuilder(script).append(" on ").append(p.serial());
        if (p.username() != null) b.append(" as ").append(p.username());
        if (p.target() != null) b.append(" → ").append(p.target());
        return b.toString();
    }
}
