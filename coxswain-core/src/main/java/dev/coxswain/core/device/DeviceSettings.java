package dev.coxswain.core.device;

/* TEMPORARY copy of the signatures the device face uses so it compiles; deleted before h/devsvc is merged. */
public record DeviceSettings(java.util.List<String> scripts, int maxRetryCount, boolean autoRetry, int retryDelayMin,
                             int retryDelayMax, int taskTimeoutSeconds, DevicePlans plans, java.time.ZoneId zone) {
    public static final java.util.List<String> DEFAULT_SCRIPTS = java.util.List.of("post", "follow", "unfollow", "account_warmup", "comment");
    public DeviceSettings {
        scripts = java.util.List.copyOf(scripts);
        if (maxRetryCount < 0) throw new IllegalArgumentException("device max retry count must be 0 or more");
        if (retryDelayMin < 0 || retryDelayMax < retryDelayMin) throw new IllegalArgumentException("retry delay");
        if (taskTimeoutSeconds < 1) throw new IllegalArgumentException("timeout");
        if (plans == null || zone == null) throw new IllegalArgumentException("device plans and zone are required");
    }
    public static DeviceSettings defaults() {
        return new DeviceSettings(DEFAULT_SCRIPTS, 3, true, 5, 60, 3600, DevicePlans.defaults(), java.time.ZoneId.systemDefault());
    }
    public DeviceSettings withZone(java.time.ZoneId z) {
        return new DeviceSettings(scripts, maxRetryCount, autoRetry, retryDelayMin, retryDelayMax, taskTimeoutSeconds, plans, z);
    }
}
