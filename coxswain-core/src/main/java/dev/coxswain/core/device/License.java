package dev.coxswain.core.device;

/* TEMPORARY copy of the BRIEF signatures so the device face compiles; deleted before h/devsvc is merged. */
public record License(String planName, boolean apiEnabled, Integer deviceLimit, Integer concurrency, String message) {}
