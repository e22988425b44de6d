package dev.coxswain.core.remote;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.engine.TaskTransitions;
import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.DeviceStore;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.WorkerStore;
import dev.coxswain.core.store.WorkerStore.RemoteProfile;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands queued tasks to the long polls remote workers hold on this node. A poll is a
 * {@link Waiter}: its request thread (virtual) waits on the waiter's future, so a held poll costs
 * no platform thread. This duty is woken when tasks become queued (here, or on another node via
 * the cluster bus) and when a poll arrives; one pass claims, in one transaction, one task for
 * every waiting poll that can take one (skill, requirements, the worker's capacity), then
 * completes their futures. A poll that gave up meanwhile gets nothing: its task goes straight
 * back to the queue.
 */
public final class RemoteDispatcher implements Duty {
    private static final Logger LOG = Logger.getLogger(RemoteDispatcher.class.getName());
    /** Routed tasks a worker looks through for one whose requirements it meets. */
    private static final int ROUTED_LOOKAHEAD = 32;
    /** Device queue heads a worker looks through (one per free device it owns). */
    private static final int DEVICE_LOOKAHEAD = 64;

    private final Database db;
    private final TaskStore tasks;
    private final WorkerStore workers;
    private final DeviceStore devices;
    private final TaskTransitions transitions;
    private final Clock clock;
    private final Duration lease;
    private final Duration fallbackPoll;
    private final EngineObserver observer;
    private final Runnable requeued;
    private final dev.coxswain.core.runtime.Signal signal;
    private final ConcurrentLinkedDeque<Waiter> waiting = new ConcurrentLinkedDeque<>();

    /** One held poll. */
    public static final class Waiter {
        final String workerId;
        /** Skills the worker can start now (its poll's {@code available_skills}); null = all it registered. */
        final Set<String> available;
        final CompletableFuture<Task> result = new CompletableFuture<>();

        Waiter(String workerId, Set<String> available) {
            this.workerId = workerId;
            this.available = available;
        }

        public CompletableFuture<Task> result() {
            return result;
        }
    }

    /** Thrown into a waiter whose worker is unknown or went offline while it waited. */
    public static final class WorkerGone extends RuntimeException {
        WorkerGone(String id) {
            super("worker " + id + " is not registered or has gone offline");
        }
    }

    /**
     * @param lease    how long a remote attempt holds before it counts as lost (renewed by the worker)
     * @param requeued called after a task went back to the queue (wakes dispatch)
     * @param signal   this duty's wake-up (raised when a poll arrives)
     */
    public RemoteDispatcher(Database db, TaskStore tasks, WorkerStore workers, DeviceStore devices,
                            TaskTransitions transitions, Clock clock, Duration lease, Duration fallbackPoll,
                            EngineObserver observer, Runnable requeued, dev.coxswain.core.runtime.Signal signal) {
        this.db = db;
        this.tasks = tasks;
        this.workers = workers;
        this.devices = devices;
        this.transitions = transitions;
        this.clock = clock;
        this.lease = lease;
        this.fallbackPoll = fallbackPoll;
        this.observer = EngineObserver.guarded(observer);
        this.requeued = requeued;
        this.signal = signal;
    }

    @Override
    public String name() {
        return "remote-dispatcher";
    }

    /** Registers a poll and wakes this duty. The caller waits on {@link Waiter#result()}. */
    public Waiter enqueue(String workerId, Set<String> available) {
        Waiter w = new Waiter(workerId, available);
        waiting.add(w);
        signal.raise();
        return w;
    }

    /** The poll ended (timeout, shutdown) without a task. */
    public void withdraw(Waiter w) {
        waiting.remove(w);
    }

    public int waitingPolls() {
        return waiting.size();
    }

    /** Ends every held poll without a task (server shutdown). */
    public void releaseAll() {
        for (Waiter w; (w = waiting.poll()) != null; ) w.result.cancel(false);
    }

    private static final Task GONE = new Task(0, "", "", null, null, dev.coxswain.core.domain.TaskStatus.QUEUED, 0,
            null, null, null, null, null, null, 0, 0, "", 0, 0, List.of(), List.of(), null, null, null, null, null,
            false, null, 0, null, null);

    @Override
    public Duration runOnce() {
        List<Waiter> snapshot = new ArrayList<>();
        for (Waiter w : waiting) if (!w.result.isDone()) snapshot.add(w);
        waiting.removeIf(w -> w.result.isDone());
        if (snapshot.isEmpty()) return fallbackPoll;
        Instant now = clock.instant();
        Map<Waiter, Task> got = db.write(tx -> {
            Map<Waiter, Task> m = new LinkedHashMap<>();
            Set<Set<String>> emptySkillSets = new HashSet<>();
            Map<String, Integer> running = new LinkedHashMap<>();
            for (Waiter w : snapshot) {
                Connection c = tx.connection();
                RemoteProfile p = workers.remoteProfile(c, w.workerId);
                if (p == null || !p.online() || p.expiresAt().isBefore(now)) {
                    m.put(w, GONE);
                    continue;
                }
                Set<String> skills = new LinkedHashSet<>(p.skillNames());
                if (w.available != null && !w.available.isEmpty()) skills.retainAll(w.available);
                if (skills.isEmpty()) continue;
                if (p.capacity() > 0) {
                    Integer n = running.get(p.id());
                    if (n == null) running.put(p.id(), n = tasks.countRunning(c, p.id()));
                    if (n >= p.capacity()) continue;
                }
                Task t = claimNext(tx, p, skills, now, emptySkillSets);
                if (t != null) {
                    m.put(w, t);
                    running.merge(p.id(), 1, Integer::sum);
                }
            }
            return m;
        });
        int handed = 0;
        for (var e : got.entrySet()) {
            Waiter w = e.getKey();
            waiting.remove(w);
            if (e.getValue() == GONE) {
                w.result.completeExceptionally(new WorkerGone(w.workerId));
                continue;
            }
            Task t = e.getValue();
            observer.attemptStarted(t, latency(t, now));
            if (w.result.complete(t)) {
                handed++;
            } else {
                giveBack(t, now);
            }
        }
        return handed > 0 ? Duration.ZERO : fallbackPoll;
    }

    /**
     * Claims the next task the worker may take: first a task of one of its free devices (nobody
     * else can run those), then, in claim order (priority, then age), a routed task whose
     * requirements it meets, unless a plain task comes before it.
     *
     * @param noPlain skill sets whose plain queue this pass found empty
     */
    private Task claimNext(dev.coxswain.core.store.Tx tx, RemoteProfile p, Set<String> skills, Instant now,
                           Set<Set<String>> noPlain) throws SQLException {
        if (reportsDevices(p)) {
            Task t = claimDeviceTask(tx, p, skills, now);
            if (t != null) return t;
        }
        for (TaskStore.RoutedCandidate rc : tasks.routedCandidates(tx.connection(), skills, ROUTED_LOOKAHEAD)) {
            if (!Requirements.met(rc.requirements(), p)) continue;
            if (!noPlain.contains(skills) && tasks.plainQueuedBefore(tx.connection(), skills, rc.priority(), rc.id())) {
                Task t = claimPlain(tx, p, skills, now, noPlain);
                if (t != null) return t;
            }
            Task t = transitions.claimByIdAndStart(tx, rc.id(), p.id(), now, now.plus(lease));
            if (t != null) return t;
        }
        return noPlain.contains(skills) ? null : claimPlain(tx, p, skills, now, noPlain);
    }

    /**
     * The first head of the worker's free device queues it may start: the device row is locked and
     * checked again (still present, still this worker's, still free: on PostgreSQL a claim on
     * another node may have taken it since the heads were read), and the owner's plan must leave
     * room. The claim marks the device busy with this attempt until the worker lets go of it
     * ({@code DeviceStore.release}). The unique index on running device tasks backs this up.
     */
    private Task claimDeviceTask(dev.coxswain.core.store.Tx tx, RemoteProfile p, Set<String> skills, Instant now)
            throws SQLException {
        Connection c = tx.connection();
        Map<String, Integer> ownerRunning = new java.util.HashMap<>();
        for (TaskStore.DeviceHead h : tasks.deviceHeads(c, p.id(), skills, DEVICE_LOOKAHEAD)) {
            if (!Requirements.met(h.requirements(), p)) continue;
            if (h.ownerLimit() != null && h.owner() != null) {
                Integer n = ownerRunning.get(h.owner());
                if (n == null) ownerRunning.put(h.owner(), n = tasks.countOwnerRunning(c, h.owner()));
                if (n >= h.ownerLimit()) continue;
            }
            if (!devices.lockFree(tx, h.device(), p.id())) continue;
            Task t = transitions.claimByIdAndStart(tx, h.id(), p.id(), now, now.plus(lease));
            if (t != null) {
                devices.occupy(tx, h.device(), t.id(), t.attempt(), now);
                if (h.owner() != null) ownerRunning.merge(h.owner(), 1, Integer::sum);
                return t;
            }
        }
        return null;
    }

    /** Whether the worker reported any device (else its device queues are empty: skip the query). */
    private static boolean reportsDevices(RemoteProfile p) {
        com.fasterxml.jackson.databind.JsonNode d = p.info() == null ? null : p.info().path("resources").path("devices");
        return d != null && d.isArray() && !d.isEmpty();
    }

    private Task claimPlain(dev.coxswain.core.store.Tx tx, RemoteProfile p, Set<String> skills, Instant now,
                            Set<Set<String>> noPlain) throws SQLException {
        List<Task> one = transitions.claimAndStart(tx, p.id(), skills, 1, now, now.plus(lease));
        if (one.isEmpty()) {
            noPlain.add(skills);
            return null;
        }
        return one.get(0);
    }

    /** A task claimed for a poll that had already ended: back to the queue at once. */
    private void giveBack(Task t, Instant now) {
        try {
            db.write(tx -> {
                devices.release(tx, t.workerId(), t.id(), t.attempt()); // never delivered: nothing runs it
                return transitions.handBack(tx, t.id(), t.attempt(), now,
                        "Attempt " + t.attempt() + " not delivered: the poll of " + t.workerId() + " ended first");
            });
            requeued.run();
        } catch (RuntimeException ex) {
            // The lease reaper retries it when the lease runs out.
            LOG.log(Level.WARNING, "could not hand task-" + t.id() + " back to the queue: " + ex.getMessage());
        }
    }

    private static Duration latency(Task t, Instant now) {
        Instant due = t.runAt() == null ? t.createdAt() : t.runAt();
        return due == null || due.isAfter(now) ? Duration.ZERO : Duration.between(due, now);
    }
}
