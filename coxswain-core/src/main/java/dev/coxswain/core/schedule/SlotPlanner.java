package dev.coxswain.core.schedule;

import dev.coxswain.core.domain.MisfirePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, when a schedule is fired at {@code now} for the slot it was waiting for, which slots
 * get a run and which slot comes next. Pure: no store, no clock.
 *
 * <p>The due slots are every slot from the expected one up to now. The latest of them is
 * <em>on time</em> when it is at most {@link #onTimeWindow} old — one minute, or half the
 * schedule's period when that is shorter (a per-second schedule is late after half a second).
 * Older due slots were missed (the server was down or overloaded) and the misfire policy decides:
 * {@code run_once} one run for all, {@code skip} only an on-time slot, {@code run_all} each
 * (the newest {@link #RUN_ALL_BOUND} at most).
 */
public final class SlotPlanner {
    public static final int RUN_ALL_BOUND = 100;
    /** How many due slots are walked one by one before jumping straight to the first after now. */
    static final int WALK_LIMIT = 10_000;
    static final Duration MAX_ON_TIME = Duration.ofMinutes(1);

    private SlotPlanner() {
    }

    /**
     * @param fire     the slots to create a run for, oldest first
     * @param next     the slot to wait for next; null when the schedule will never fire again
     * @param missed   due slots that get no run
     */
    public record Plan(List<Instant> fire, Instant next, int missed) {
    }

    public static Plan plan(CronExpression cron, Instant expected, Instant now, MisfirePolicy policy) {
        List<Instant> due = new ArrayList<>();
        Instant s = expected;
        while (s != null && !s.isAfter(now) && due.size() < WALK_LIMIT) {
            due.add(s);
            s = cron.next(s).orElse(null);
        }
        if (s != null && !s.isAfter(now)) s = cron.next(now).orElse(null); // long outage: jump
        Instant next = s;
        if (due.isEmpty()) return new Plan(List.of(), next, 0);
        Instant latest = due.get(due.size() - 1);
        boolean onTime = !Duration.between(latest, now).minus(onTimeWindow(latest, next)).isPositive();
        List<Instant> fire = switch (policy) {
            case RUN_ONCE -> List.of(latest);
            case SKIP -> onTime ? List.of(latest) : List.of();
            case RUN_ALL -> List.copyOf(due.subList(Math.max(0, due.size() - RUN_ALL_BOUND), due.size()));
        };
        return new Plan(fire, next, due.size() - fire.size());
    }

    /** How late a slot may fire and still count as on time. */
    static Duration onTimeWindow(Instant slot, Instant nextSlot) {
        if (nextSlot == null) return MAX_ON_TIME;
        Duration half = Duration.between(slot, nextSlot).dividedBy(2);
        return half.compareTo(MAX_ON_TIME) < 0 ? half : MAX_ON_TIME;
    }
}
