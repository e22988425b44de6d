package dev.coxswain.core.device;

import java.time.ZoneId;
import java.util.List;

/**
 * Settings of device tasks (the server maps its {@code device-*} configuration keys onto these).
 *
 * @param scripts            script names accepted through the API besides the skills online device
 *                           workers declare
 * @param maxRetryCount      retries a task gets: automatic ones when {@code autoRetry}, and the bound
 *                           on {@code retry_count} for a manual retry
 * @param autoRetry          whether a failed attempt is retried by itself (else max_retries is 0)
 * @param retryDelayMin      a retry is due after a random delay of at least this many seconds …
 * @param retryDelayMax      … and at most this many
 * @param taskTimeoutSeconds an attempt running longer fails
 * @param plans              what each tier may do
 * @param zone               the zone a request's {@code start_time} (HH:MM, today) is read in
 */
public record DeviceSettings(List<String> scripts, int maxRetryCount, boolean autoRetry, int retryDelayMin,
                             int retryDelayMax, int taskTimeoutSeconds, DevicePlans plans, ZoneId zone) {
    public static final List<String> DEFAULT_SCRIPTS = List.of("post", "follow", "unfollow", "account_warmup", "comment");

    public DeviceSettings {
        scripts = List.copyOf(scripts);
        if (maxRetryCount < 0) throw new IllegalArgumentException("device max retry count must be 0 or more");
        if (retryDelayMin < 0 || retryDelayMax < retryDelayMin) {
            throw new IllegalArgumentException("device retry delay must be <min>-<max> seconds with 0 <= min <= max");
        }
        if (taskTimeoutSeconds < 1) throw new IllegalArgumentException("device task timeout must be at least 1 second");
        if (plans == null || zone == null) throw new IllegalArgumentException("device plans and zone are required");
    }

    /** Default scripts, 3 retries (automatic), 5–60 s retry delay, one hour timeout, default plans, the system zone. */
    public static DeviceSettings defaults() {
        return new DeviceSettings(DEFAULT_SCRIPTS, 3, true, 5, 60, 3600, DevicePlans.defaults(), ZoneId.systemDefault());
    }

    public DeviceSettings withScripts(List<String> s) {
        return new DeviceSettings(s, maxRetryCount, autoRetry, retryDelayMin, retryDelayMax, taskTimeoutSeconds, plans, zone);
    }

    public DeviceSettings withRetries(int max, boolean auto, int delayMin, int delayMax) {
        return new DeviceSettings(scripts, max, auto, delayMin, delayMax, taskTimeoutSeconds, plans, zone);
    }

    public DeviceSettings withTaskTimeout(int seconds) {
        return new DeviceSettings(scripts, maxRetryCount, autoRetry, retryDelayMin, retryDelayMax, seconds, plans, zone);
    }

    public DeviceSettings withPlans(DevicePlans p) {
        return new DeviceSettings(scripts, maxRetryCount, autoRetry, retryDelayMin, retryDelayMax, taskTimeoutSeconds, p, zone);
    }

    public DeviceSettings withZone(ZoneId z) {
        return new DeviceSettings(scripts, maxRetryCount, autoRetry, retryDelayMin, retryDelayMax, taskTimeoutSeconds, plans, z);
    }

    /** max_retries of a new device task. */
    public int maxRetries() {
        return autoRetry ? maxRetryCount : 0;
    }
}
