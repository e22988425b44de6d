package dev.coxswain.core.schedule;

import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.ScheduleStore;
import dev.coxswain.core.store.StoreUnavailableException;
import dev.coxswain.core.store.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fires schedule slots on time. Slots due within the next {@link #HORIZON} wait in an in-memory
 * timer (reloaded from the store every {@link #RELOAD} and whenever a schedule changes), and the
 * runner sleeps until the soonest of them, so a slot fires when it is due, not at the next poll.
 *
 * <p>All the slots due at one pass are fired together by a {@link FiringPass}: one transaction
 * (up to {@link #PASS_CHUNK} schedules each) with a few statements for the lot. Several nodes may
 * hold the same slot in their timers; the first to lock the schedule rows fires it, and the
 * others, once the lock is theirs, read the slot it stored and find nothing to fire — so a slot
 * fires exactly once (the unique index on a run's schedule and slot backs this up). They keep the
 * slot the winner stored on their timers, so the next slot fires on time even if the winner dies.
 * A pass that fails as a whole is fired again schedule by schedule, so one bad schedule cannot
 * hold back the rest.
 */
public final class ScheduleFirer implements Duty {
    private static final Logger LOG = Logger.getLogger(ScheduleFirer.class.getName());
    static final Duration HORIZON = Duration.ofSeconds(10);
    static final Duration RELOAD = Duration.ofSeconds(5);
    static final int LOAD_LIMIT = 200_000;
    /**
     * Schedules fired in one transaction at most: 1,000 slots due at once commit together, and a
     * backlog (after an outage, up to {@link #LOAD_LIMIT}) does not hold SQLite's one writer for
     * seconds at a time.
     */
    static final int PASS_CHUNK = 1_000;
    private static final int PARSED_CACHE = 10_000;

    private final Database db;
    private final ScheduleStore store;
    private final FiringPass pass;
    private final Clock clock;
    private final EngineObserver observer;
    private final PriorityQueue<ScheduleStore.Due> timer =
            new PriorityQueue<>((a, b) -> a.nextRunAt().equals(b.nextRunAt()) ? Long.compare(a.id(), b.id())
                    : a.nextRunAt().compareTo(b.nextRunAt()));
    /** The slot each queued schedule waits for; timer entries that disagree are stale. */
    private final Map<Long, Instant> planned = new HashMap<>();
    private volatile boolean reloadRequested = true;
    private Instant nextLoad = Instant.MIN;
    private Instant loadedUntil = Instant.MIN;

    public ScheduleFirer(Database db, ScheduleStore store, TaskService tasks, TaskStore taskStore, Clock clock,
                         EngineObserver observer) {
        this.db = db;
        this.store = store;
        this.pass = new FiringPass(store, tasks, taskStore, new ParsedCronCache(PARSED_CACHE));
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
        // What is due fires before any reload: a reload that falls on a slot would delay it.
        fireDue(now);
        if (reloadRequested || !now.isBefore(nextLoad)) {
            load(clock.instant());
            fireDue(now);
        }
        Instant wake = nextLoad;
        if (!timer.isEmpty() && timer.peek().nextRunAt().isBefore(wake)) wake = timer.peek().nextRunAt();
        Duration wait = Duration.between(clock.instant(), wake);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    private void fireDue(Instant now) {
        List<ScheduleStore.Due> due = new ArrayList<>();
        while (!timer.isEmpty() && !timer.peek().nextRunAt().isAfter(now)) {
            ScheduleStore.Due d = timer.poll();
            if (d.nextRunAt().equals(planned.get(d.id()))) {
                planned.remove(d.id());
                due.add(d);
            }
        }
        if (!due.isEmpty()) fire(due, now);
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

    /**
     * Fires the due schedules in id order (the order their rows are locked in, whichever
     * transactions the chunks share), {@link #PASS_CHUNK} to a transaction, all submitted at once.
     */
    private void fire(List<ScheduleStore.Due> due, Instant now) {
        List<ScheduleStore.Due> byId = due.stream().sorted(Comparator.comparingLong(ScheduleStore.Due::id)).toList();
        List<List<ScheduleStore.Due>> chunks = new ArrayList<>();
        for (int from = 0; from < byId.size(); from += PASS_CHUNK) {
            chunks.add(byId.subList(from, Math.min(byId.size(), from + PASS_CHUNK)));
        }
        List<CompletableFuture<List<FiringPass.Fired>>> results = new ArrayList<>(chunks.size());
        for (List<ScheduleStore.Due> chunk : chunks) results.add(db.writeAsync(tx -> pass.fire(tx, chunk, now)));
        for (int i = 0; i < chunks.size(); i++) {
            try {
                settle(chunks.get(i), results.get(i).join());
            } catch (RuntimeException e) {
                if (chunks.get(i).size() == 1) {
                    failed(chunks.get(i).get(0), e);
                } else if (unwrap(e) instanceof StoreUnavailableException) {
                    // The store, not a schedule: one at a time would only fail the same way.
                    LOG.log(Level.WARNING, "firing " + chunks.get(i).size() + " schedules failed; retrying at the next load", e);
                    reloadRequested = true;
                } else {
                    LOG.log(Level.WARNING, "firing " + chunks.get(i).size() + " schedules together failed;"
                            + " firing them one by one", e);
                    oneByOne(chunks.get(i), now);
                }
            }
        }
    }

    /** A failed pass again, a transaction per schedule: only the schedule at fault fails. */
    private void oneByOne(List<ScheduleStore.Due> due, Instant now) {
        List<CompletableFuture<List<FiringPass.Fired>>> results = new ArrayList<>(due.size());
        for (ScheduleStore.Due d : due) results.add(db.writeAsync(tx -> pass.fire(tx, List.of(d), now)));
        for (int i = 0; i < due.size(); i++) {
            try {
                settle(List.of(due.get(i)), results.get(i).join());
            } catch (RuntimeException e) {
                failed(due.get(i), e);
            }
        }
    }

    private static Throwable unwrap(RuntimeException e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private void failed(ScheduleStore.Due d, RuntimeException e) {
        LOG.log(Level.WARNING, "firing schedule " + d.id() + " failed; retrying at the next load", e);
        reloadRequested = true;
    }

    /** After the commit: report each run's lateness and put each schedule's next slot on the timer. */
    private void settle(List<ScheduleStore.Due> due, List<FiringPass.Fired> fired) {
        Instant committed = clock.instant();
        for (int i = 0; i < due.size(); i++) {
            FiringPass.Fired f = fired.get(i);
            for (Instant slot : f.slots()) observer.slotFired(Duration.between(slot, committed));
            long id = due.get(i).id();
            if (f.next() != null && !f.next().isAfter(loadedUntil) && !planned.containsKey(id)) {
                enqueue(new ScheduleStore.Due(id, f.next()));
            }
        }
    }
}
