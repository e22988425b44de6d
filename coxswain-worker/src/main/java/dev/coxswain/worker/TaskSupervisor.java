package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coxswain.worker.protocol.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the tasks this worker runs: at most {@code concurrency} at once (the poller takes a slot
 * before each poll and a task keeps it until its result is posted), each on its own virtual
 * thread, findable by wire id for cancels, and all of them handed back when the worker closes.
 */
final class TaskSupervisor implements RunningTask.Owner {
    private static final System.Logger LOG = System.getLogger(TaskSupervisor.class.getName());

    private final int concurrency;
    private final Semaphore slots;
    private final Map<String, RunningTask> running = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition emptied = lock.newCondition();
    private final SkillSet skills;
    private final WireMessages messages;
    private final EventSender events;
    private final ResultSender results;
    private final Session session;
    private final ObjectMapper mapper;
    private final Duration logInterval;
    private volatile boolean closing;

    TaskSupervisor(int concurrency, SkillSet skills, WireMessages messages, EventSender events, ResultSender results,
                   Session session, ObjectMapper mapper, Duration logInterval) {
        this.concurrency = concurrency;
        this.slots = new Semaphore(concurrency);
        this.skills = skills;
        this.messages = messages;
        this.events = events;
        this.results = results;
        this.session = session;
        this.mapper = mapper;
        this.logInterval = logInterval;
    }

    /** Blocks until a task may start; the slot goes with the task handed to {@link #start}. */
    void acquireSlot() throws InterruptedException {
        slots.acquire();
    }

    /** Gives back a slot no task took (the poll brought nothing). */
    void releaseSlot() {
        slots.release();
    }

    /** Starts a polled task in the slot the poller holds. */
    void start(JsonNode json) {
        TaskPayload payload;
        try {
            payload = TaskPayload.parse(json);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "Dropping a task the server sent: {0}: {1}", e.getMessage(), json);
            slots.release();
            return;
        }
        RunningTask task = new RunningTask(payload, skills.handler(payload.type()), mapper, messages, events, results,
                logInterval, this);
        Thread thread = Thread.ofVirtual().name("coxswain-task-" + payload.taskId()).unstarted(task);
        task.bind(thread);
        if (running.putIfAbsent(payload.taskId(), task) != null) {
            LOG.log(System.Logger.Level.WARNING, "Task {0} is already running here; ignoring the second delivery", payload.taskId());
            slots.release();
            return;
        }
        // A task that arrives while the worker closes goes straight back to the queue.
        if (closing) task.stop(Protocol.STATUS_RELEASED);
        thread.start();
        session.ring();
    }

    @Override
    public void finished(RunningTask task) {
        running.remove(task.id());
        slots.release();
        session.ring();
        lock.lock();
        try {
            if (running.isEmpty()) emptied.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Cancels a running task (a heartbeat's {@code cancel_task_ids} or a WebSocket command). */
    boolean cancel(String taskId) {
        RunningTask task = running.get(taskId);
        if (task == null || !task.stop(Protocol.STATUS_CANCELLED)) return false;
        LOG.log(System.Logger.Level.INFO, "Task {0} cancelled by the server", taskId);
        return true;
    }

    /** From now on tasks that still arrive are handed back at once. */
    void closing() {
        closing = true;
    }

    /** Interrupts every running handler; each posts {@code released}. */
    void releaseAll() {
        for (RunningTask task : running.values()) {
            if (task.stop(Protocol.STATUS_RELEASED)) {
                LOG.log(System.Logger.Level.INFO, "Handing task {0} back: the worker is closing", task.id());
            }
        }
    }

    /** Waits until no task runs; false when {@code timeout} passed first. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!running.isEmpty()) {
                if (left <= 0) return false;
                left = emptied.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    List<String> runningTaskIds() {
        return new ArrayList<>(running.keySet());
    }

    /** Whether every slot is taken by a running task (an outstanding poll does not count). */
    boolean isFull() {
        return running.size() >= concurrency;
    }
}
