package dev.coxswain.core.schedule;

import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.engine.TaskTransitions;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.ScheduleStore;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fires schedule slots on time. Slots due within the next {@link #HORIZON} wait in an in-memory
 * timer (reloaded from the store every {@link #RELOAD} and whenever a schedule changes), so a
 * slot fires when it is due, not at the next poll.
 *
 * <p>Firing a slot is one transaction: re-read the schedule, plan the slots (misfire policy),
 * advance {@code next_run_at} by compare-and-set from the slot this node expected, and create the
 * runs (overlap policy). Several nodes may hold the same slot in their timers; only the one whose
 * compare-and-set succeeds creates runs, so a slot fires exactly once. The others keep the slot the
 * winner stored on their timers, so the next slot fires on time even if the winner dies. All slots
 * due together are submitted at once and share group commits.
 */
public final class ScheduleFirer implements Duty {
    private static final Logger LOG = Logger.getLogger(ScheduleFirer.class.getName());
    static final Duration HORIZON = Duration.ofSeconds(10);
    static final Duration RELOAD = Duration.ofSeconds(5);
    static final int LOAD_LIMIT = 200_000;
    private static final int PARSED_CACHE = 10_000;

    private final Database db;
    private final ScheduleStore store;
    private final TaskService tasks;
    private final TaskStore taskStore;
    private final Clock clock;
    private final EngineObserver observer;
    private final PriorityQueue<ScheduleStore.Due> timer =
            new PriorityQueue<>((a, b) -> a.nextRunAt().equals(b.nextRunAt()) ? Long.compare(a.id(), b.id())
                    : a.nextRunAt().compareTo(b.nextRunAt()));
    /** The slot each queued schedule waits for; timer entries that disagree are stale. */
    private final Map<Long, Instant> planned = new HashMap<>();
    private final ParsedCronCache parsed = new ParsedCronCache(PARSED_CACHE);
    private volatile boolean reloadRequested = true;
    private Instant nextLoad = Instant.MIN;
    private Instant loadedUntil = Instant.MIN;

    public ScheduleFirer(Database db, ScheduleStore store, TaskService tasks, TaskStore taskStore, Clock clock,
                         EngineObserver observer) {
        this.db = db;
        this.store = store;
        this.tasks = tasks;
        this.taskStore = taskStore;
        this.clock = clock;
        this.observer = observer;
    }

    @Override
    public String name() {
        return "schedule-firer";
    }

    /** A schedule changed: reload the timer on the next pass (the caller also wakes the runner). */
    public void requestReload() {
        reloadRequested = true;
    }

    @Override
    public Duration runOnce() {
        Instant now = clock.instant();
        if (reloadRequested || !now.isBefore(nextLoad)) load(now);
        List<ScheduleStore.Due> due = new ArrayList<>();
        while (!timer.isEmpty() && !timer.peek().nextRunAt().isAfter(now)) {
            ScheduleStore.Due d = timer.poll();
            if (d.nextRunAt().equals(planned.get(d.id()))) {
                planned.remove(d.id());
                due.add(d);
            }
        }
        if (!due.isEmpty()) fire(due, now);
        Instant wake = nextLoad;
        if (!timer.isEmpty() && timer.peek().nextRunAt().isBefore(wake)) wake = timer.peek().nextRunAt();
        Duration wait = Duration.between(clock.instant(), wake);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    private void load(Instant now) {
        reloadRequested = false;
        loadedUntil = now.plus(HORIZON);
        List<ScheduleStore.Due> due = db.read(c -> store.due(c, loadedUntil, LOAD_LIMIT));
        timer.clear();
        planned.clear();
        for (ScheduleStore.Due d : due) enqueue(d);
        nextLoad = now.plus(RELOAD);
    }

    private void enqueue(ScheduleStore.Due d) {
        planned.put(d.id(), d.nextRunAt());
        timer.add(d);
    }

    private void fire(List<ScheduleStore.Due> due, Instant now) {
        List<CompletableFuture<Fired>> results = new ArrayList<>(due.size());
        for (ScheduleStore.Due d : due) results.add(db.writeAsync(tx -> fireOne(tx, d, now)));
        for (int i = 0; i < results.size(); i++) {
            Fired f;
            try {
                f = results.get(i).join();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "firing schedule " + due.get(i).id() + " failed; retrying at the next load", e);
                reloadRequested = true;
                continue;
            }
            Instant committed = clock.instant();
            for (Instant slot : f.slots()) observer.slotFired(Duration.between(slot, committed));
            if (f.next() != null && !f.next().isAfter(loadedUntil) && !planned.containsKey(due.get(i).id())) {
                enqueue(new ScheduleStore.Due(due.get(i).id(), f.next()));
            }
        }
    }

    /** What one firing did: the slots that got a run (for lateness), and where the schedule waits next. */
    record Fired(List<Instant> slots, Instant next) {
    }

    /** One slot (or several, after an outage) of one schedule, in the caller's transaction. */
    Fired fireOne(Tx tx, ScheduleStore.Due d, Instant now) throws SQLException {
        Schedule s = store.find(tx.connection(), d.id());
        if (s == null || s.status() != ScheduleStatus.ACTIVE || !d.nextRunAt().equals(s.nextRunAt())) {
            // Fired elsewhere, changed or deleted meanwhile: follow the stored state.
            return new Fired(List.of(), storedNext(s));
        }
        CronExpression cron = cron(s);
        SlotPlanner.Plan plan = SlotPlanner.plan(cron, d.nextRunAt(), now, s.misfire());
        ScheduleStatus status = plan.next() == null ? ScheduleStatus.COMPLETED : ScheduleStatus.ACTIVE;
        Instant lastSlot = plan.fire().isEmpty() ? null : plan.fire().get(plan.fire().size() - 1);
        if (!store.advance(tx, s.id(), d.nextRunAt(), plan.next(), status, lastSlot, now)) {
            // Another node won this slot between the read and the compare-and-set. Keep waiting
            // for the slot it stored: if that node dies now, this one still fires the next slot
            // on time instead of only after the next load. (PostgreSQL's read committed: this
            // read sees the winner's commit, which the compare-and-set waited for.)
            return new Fired(List.of(), storedNext(store.find(tx.connection(), d.id())));
        }
        Long last = s.lastTaskId();
        List<Instant> started = new ArrayList<>();
        for (Instant slot : plan.fire()) {
            // Only forbid and replace care whether the previous run is still going.
            Task prev = last == null || s.overlap() == OverlapPolicy.ALLOW ? null : tasks.lockIn(tx, last);
            boolean busy = prev != null && !prev.status().terminal();
            if (busy && s.overlap() == OverlapPolicy.FORBID) {
                skip(tx, s, slot, prev, now);
                continue;
            }
            if (busy && s.overlap() == OverlapPolicy.REPLACE) tasks.cancelIn(tx, prev, now);
            Task run = tasks.createIn(tx, ScheduleService.runOf(s), now, slot);
            last = run.id();
            started.add(slot);
        }
        if (last != null && !last.equals(s.lastTaskId())) store.setLastTask(tx, s.id(), last);
        return new Fired(started, plan.next());
    }

    private static Instant storedNext(Schedule s) {
        return s != null && s.status() == ScheduleStatus.ACTIVE ? s.nextRunAt() : null;
    }

    /** Records a slot that came while the previous run was still going (overlap policy forbid). */
    private void skip(Tx tx, Schedule s, Instant slot, Task prev, Instant now) throws SQLException {
        Task run = tasks.createIn(tx, ScheduleService.runOf(s), now, slot);
        tasks.cancelIn(tx, run, now);
        Map<String, Object> sets = new LinkedHashMap<>();
        sets.put("error", "Skipped: the previous run " + TaskTransitions.ref(prev.id()) + " was still "
                + prev.status().wire() + " (overlap policy forbid)");
        taskStore.update(tx, run.id(), sets, null);
        store.markRun(tx, run.id(), slot, true);
    }

    private CronExpression cron(Schedule s) {
        return parsed.get(s.expression(), s.timezone());
    }
}
