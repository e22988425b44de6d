package dev.coxswain.worker;

/**
 * Thrown by a handler of this library to hand its task back to the server (the {@code released}
 * status: queued again, not counted as a retry) instead of failing it: the task arrived for a
 * device this worker had just withdrawn, before the server had heard of it.
 */
final class HandBack extends RuntimeException {
    HandBack(String message) {
        super(message, null, false, false);
    }
}
