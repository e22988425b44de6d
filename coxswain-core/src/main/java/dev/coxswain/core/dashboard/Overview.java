package dev.coxswain.core.dashboard;

import java.time.Instant;
import java.util.List;

/**
 * The overview's figures: queued tasks by priority band (high 10, normal 5–9, low 1–4: the bands of the native API's /api/system/status), running
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
