package dev.coxswain.core.schedule;

import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.service.ValidationException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The next firings of a stored schedule, as a page shows them. {@link ScheduleService#preview}
 * answers "from now", which is right for an expression being typed but not for a stored
 * {@code @every} schedule: its next slot follows from the previous one, and the store already
 * holds it ({@code next_run_at}). So an active schedule's list starts at its stored slot.
 */
public final class UpcomingFirings {
    private final ScheduleService schedules;

    public UpcomingFirings(ScheduleService schedules) {
        this.schedules = schedules;
    }

    /**
     * Up to {@code n} fire times: an active schedule's from its stored next slot; a paused one's
     * as if resumed now (what {@link ScheduleService#resume} would set); none for a completed one.
     * Never throws for a stored schedule: one that cannot be read any more (a time zone gone from
     * the JVM's database) has no upcoming firings to show.
     */
    public List<Instant> of(Schedule s, int n) {
        if (n <= 0 || s.status() == ScheduleStatus.COMPLETED) {
            return List.of();
        }
        try {
            if (s.status() == ScheduleStatus.ACTIVE && s.nextRunAt() != null) {
                List<Instant> times = new ArrayList<>(n);
                times.add(s.nextRunAt());
                times.addAll(schedules.parse(s.expression(), s.timezone()).next(s.nextRunAt(), n - 1));
                return List.copyOf(times);
            }
            return schedules.preview(s.expression(), s.timezone(), n);
        } catch (InvalidScheduleException | ValidationException | DateTimeException e) {
            return List.of();
        }
    }
}
