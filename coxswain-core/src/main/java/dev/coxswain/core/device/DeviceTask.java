package dev.coxswain.core.device;

/* TEMPORARY copy of the BRIEF signatures so the device face compiles; deleted before h/devsvc is merged. */
public record DeviceTask(long id, String serial, String scriptName, com.fasterxml.jackson.databind.JsonNode scriptConfig, String username,
        int status, java.time.Instant startTime, java.time.Instant endTime, java.time.Instant createdAt, String remark,
        String source, int retryCount, String taskStatus) {}
