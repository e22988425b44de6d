package dev.coxswain.core.dashboard;

import java.time.Instant;
import java.util.List;

/**
 * The overview's figures: queued tasks by priority band (high 8–10, normal 4–7, low 1–3), running
 * and waiting (pending) tasks, each capped, and the active schedules due soonest.
 *
 * @param at when the figures were read (the engine's clock)
 */
public record Overview(CappedCount queuedHigh, CappedCount queuedNormal, CappedCount queuedLow, CappedCount running,
                       CappedCount waiting, List<NextFiring> nextFirings, Instant at) {
    public Overview {
        nextFirings = List.copyOf(nextFirings);
    }
}
