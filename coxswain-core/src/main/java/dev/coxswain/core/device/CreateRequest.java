package dev.coxswain.core.device;

/* TEMPORARY copy of the BRIEF signatures so the device face compiles; deleted before h/devsvc is merged. */
public record CreateRequest(java.util.List<String> serials, java.util.List<String> usernames, String scriptName,
        com.fasterxml.jackson.databind.node.ObjectNode scriptConfig, boolean multiAccount, int minInterval, int maxInterval,
        java.time.LocalTime startTime, String source) {}
