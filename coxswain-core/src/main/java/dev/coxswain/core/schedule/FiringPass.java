package dev.coxswain.core.schedule;

import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.TaskTransitions;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.store.ScheduleStore;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fires the due slots of many schedules inside one transaction, in a few statements for the lot:
 * lock and re-read the schedules (in id order), plan each one's slots (misfire policy), create
 * the runs with multi-row inserts, and move every schedule on with one update. A run that must
 * look at the schedule's previous run first (overlap forbid or replace while it is unfinished) is
 * decided slot by slot, as before batching.
 */
final class FiringPass {
    private final ScheduleStore store;
    private final TaskService tasks;
    private final TaskStore taskStore;
    private final ParsedCronCache parsed;

    FiringPass(ScheduleStore store, TaskService tasks, TaskStore taskStore, ParsedCronCache parsed) {
        this.store = store;
        this.tasks = tasks;
        this.taskStore = taskStore;
        this.parsed = parsed;
    }

    /** What one firing did: the slots that got a run (for lateness), and where the schedule waits next. */
    record Fired(List<Instant> slots, Instant next) {
    }

    /**
     * Fires these schedules' due slots in the caller's transaction. @return what each one did, in
     * the order of {@code due}
     */
    List<Fired> fire(Tx tx, List<ScheduleStore.Due> due, Instant now) throws SQLException {
        Map<Long, Schedule> rows = store.lockAll(tx, due.stream().map(ScheduleStore.Due::id).toList());
        Fired[] out = new Fired[due.size()];
        List<Firing> firing = new ArrayList<>(due.size());
        for (int i = 0; i < due.size(); i++) {
            ScheduleStore.Due d = due.get(i);
            Schedule s = rows.get(d.id());
            if (s == null || s.status() != ScheduleStatus.ACTIVE || !d.nextRunAt().equals(s.nextRunAt())) {
                // Fired elsewhere (this read waited for that node's commit), changed or deleted
                // meanwhile: follow the stored state.
                out[i] = new Fired(List.of(), storedNext(s));
                continue;
            }
            firing.add(new Firing(i, s, SlotPlanner.plan(cron(s), d.nextRunAt(), now, s.misfire())));
        }
        Map<Long, TaskStatus> previous = previousRuns(tx, firing);
        // Runs that need no decision about a previous run go into one batch; the rest are decided
        // slot by slot (forbid and replace while the previous run is unfinished, rare).
        List<NewTask> batch = new ArrayList<>();
        List<Instant> batchSlots = new ArrayList<>();
        List<Firing> batched = new ArrayList<>();
        for (Firing f : firing) {
            if (f.plan.fire().isEmpty()) continue;
            if (plainRuns(f, previous)) {
                for (Instant slot : f.plan.fire()) {
                    batch.add(ScheduleService.runOf(f.schedule));
                    batchSlots.add(slot);
                }
                batched.add(f);
            } else {
                f.lastTaskId = fireSlotBySlot(tx, f, now);
            }
        }
        long[] ids = tasks.createAllIn(tx, batch, batchSlots, now);
        int k = 0;
        for (Firing f : batched) {
            k += f.plan.fire().size();
            f.started = f.plan.fire();
            f.lastTaskId = ids[k - 1];
        }
        List<ScheduleStore.Advance> advances = new ArrayList<>(firing.size());
        for (Firing f : firing) {
            Schedule s = f.schedule;
            List<Instant> slots = f.plan.fire();
            advances.add(new ScheduleStore.Advance(s.id(), s.nextRunAt(), f.plan.next(),
                    f.plan.next() == null ? ScheduleStatus.COMPLETED : ScheduleStatus.ACTIVE,
                    slots.isEmpty() ? null : slots.get(slots.size() - 1), f.lastTaskId));
            out[f.index] = new Fired(f.started, f.plan.next());
        }
        int moved = store.advanceAll(tx, advances, now);
        if (moved != advances.size()) {
            throw new IllegalStateException("moved " + moved + " of " + advances.size() + " locked schedules on");
        }
        return List.of(out);
    }

    /** One schedule being fired in a pass. */
    private static final class Firing {
        final int index;
        final Schedule schedule;
        final SlotPlanner.Plan plan;
        List<Instant> started = List.of();
        Long lastTaskId;

        Firing(int index, Schedule schedule, SlotPlanner.Plan plan) {
            this.index = index;
            this.schedule = schedule;
            this.plan = plan;
        }
    }

    /** The status of the previous run of each schedule whose overlap policy asks, locked (by task id). */
    private Map<Long, TaskStatus> previousRuns(Tx tx, List<Firing> firing) throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (Firing f : firing) {
            Schedule s = f.schedule;
            if (!f.plan.fire().isEmpty() && s.overlap() != OverlapPolicy.ALLOW && s.lastTaskId() != null) ids.add(s.lastTaskId());
        }
        return taskStore.statuses(tx.connection(), ids, true);
    }

    /**
     * Whether every slot of this firing simply gets a run: overlap allow, or a single slot with no
     * unfinished previous run (a second slot would find the first one's run unfinished).
     */
    private static boolean plainRuns(Firing f, Map<Long, TaskStatus> previous) {
        Schedule s = f.schedule;
        if (s.overlap() == OverlapPolicy.ALLOW) return true;
        TaskStatus prev = s.lastTaskId() == null ? null : previous.get(s.lastTaskId());
        return f.plan.fire().size() == 1 && (prev == null || prev.terminal());
    }

    /** The slots of one firing, each deciding on the run before it (overlap forbid or replace). @return the newest run */
    private Long fireSlotBySlot(Tx tx, Firing f, Instant now) throws SQLException {
        Schedule s = f.schedule;
        Long last = s.lastTaskId();
        List<Instant> started = new ArrayList<>();
        for (Instant slot : f.plan.fire()) {
            Task prev = last == null ? null : tasks.lockIn(tx, last);
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
        f.started = started;
        return last == null || last.equals(s.lastTaskId()) ? null : last;
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
