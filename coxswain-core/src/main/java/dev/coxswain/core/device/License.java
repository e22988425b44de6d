package dev.coxswain.core.device;

/**
 * What the caller's plan allows, as the license check shows it.
 *
 * @param deviceLimit null = no limit
 * @param concurrency null = no limit
 * @param message     "API access enabled", or why not
 */
public record License(String planName, boolean apiEnabled, Integer deviceLimit, Integer concurrency, String message) {
}
