package dev.coxswain.core.device;

/** Device task counts by the seed's statuses: pending counts queued tasks, failed counts cancelled ones. */
public record Stats(long total, long pending, long running, long completed, long failed) {
}
