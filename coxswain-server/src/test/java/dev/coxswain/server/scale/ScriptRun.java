package dev.coxswain.server.scale;

/**
 * One run of a device script as the device worker that ran it recorded it: the device, the
 * Coxswain task and attempt, and {@link System#nanoTime()} as the script started and ended (the
 * workers run in the test's JVM, so every record is on the same clock).
 */
record ScriptRun(String serial, long taskId, int attempt, long startNanos, long endNanos) {
}
