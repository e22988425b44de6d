package dev.coxswain.core.dashboard;

import java.time.Instant;

/** An active schedule's next firing; {@code scheduleId} is the schedules table's id, {@code face} the API that owns it. */
public record NextFiring(String scheduleId, String name, String face, Instant nextRunAt) {
}
