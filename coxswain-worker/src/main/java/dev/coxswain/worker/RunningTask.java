package dev.coxswain.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.worker.protocol.Protocol;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One task attempt on this worker: runs the handler on its own virtual thread, is the handler's
 * {@link TaskContext}, and turns how the handler ended into the result to post. A cancel (from
 * the server) or a release (at shutdown) interrupts the handler; once the handler has returned
 * nothing interrupts the thread any more, so posting the result is never cut short.
 */
final class RunningTask implements TaskContext, Runnable {
    private static final System.Logger LOG = System.getLogger(RunningTask.class.getName());

    /** Callbacks into the supervisor, so this class needs nothing else of it. */
    interface Owner {
        void finished(RunningTask task);
    }

    private final TaskPayload payload;
    private final TaskHandler handler;
    private final ObjectMapper mapper;
    private final WireMessages messages;
    private final EventSender events;
    private final ResultSender results;
    private final LogBatcher logs;
    private final Owner owner;
    private final CountDownLatch ended = new CountDownLatch(1);
    private Thread thread;
    private boolean handlerDone;
    private String endStatus;

    RunningTask(TaskPayload payload, TaskHandler handler, ObjectMapper mapper, WireMessages messages,
                EventSender events, ResultSender results, Duration logInterval, Owner owner) {
        this.payload = payload;
        this.handler = handler;
        this.mapper = mapper;
        this.messages = messages;
        this.events = events;
        this.results = results;
        this.owner = owner;
        this.logs = new LogBatcher(this::sendLogLines, logInterval, "coxswain-log-" + payload.taskId());
    }

    synchronized void bind(Thread thread) {
        this.thread = thread;
    }

    /**
     * Stops the attempt with {@code status} ({@code cancelled} or {@code released}); the first
     * stop wins, and one that comes after the handler returned changes nothing.
     *
     * @return whether this call stopped it
     */
    synchronized boolean stop(String status) {
        if (handlerDone || endStatus != null) return false;
        endStatus = status;
        ended.countDown();
        if (thread != null) thread.interrupt();
        return true;
    }

    @Override
    public void run() {
        try {
            ObjectNode result = execute();
            logs.close();
            results.send(result);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "Task " + payload.taskId() + " could not report its result", e);
        } finally {
            owner.finished(this);
        }
    }

    private ObjectNode execute() {
        if (handler == null) {
            markHandlerDone();
            return messages.failure(payload.jobId(), payload.taskId(), Protocol.ERROR_PERMANENT,
                    "Unsupported skill: " + payload.type(), null);
        }
        Object value = null;
        Throwable failure = null;
        long started = System.nanoTime();
        try {
            if (!isCancelled()) value = handler.handle(this);
        } catch (Throwable t) {
            failure = t;
        }
        double seconds = Math.round((System.nanoTime() - started) / 1e5) / 1e4;
        String stoppedWith = markHandlerDone();
        if (stoppedWith != null) return messages.ended(payload.jobId(), payload.taskId(), stoppedWith);
        if (failure instanceof HandBack handBack) {
            LOG.log(System.Logger.Level.INFO, "Handing task {0} back: {1}", payload.taskId(), handBack.getMessage());
            return messages.ended(payload.jobId(), payload.taskId(), Protocol.STATUS_RELEASED);
        }
        if (failure instanceof TaskFailure taskFailure) {
            return messages.failure(payload.jobId(), payload.taskId(), taskFailure.code(), messageOf(taskFailure),
                    taskFailure.details() == null ? null : toJson(taskFailure.details()));
        }
        if (failure != null) {
            LOG.log(System.Logger.Level.WARNING, "Task " + payload.taskId() + " (" + payload.type() + ") failed", failure);
            return messages.failure(payload.jobId(), payload.taskId(), Protocol.ERROR_TRANSIENT, messageOf(failure), null);
        }
        try {
            return messages.success(payload.jobId(), payload.taskId(), resultData(value), seconds);
        } catch (IllegalArgumentException unserialisable) {
            return messages.failure(payload.jobId(), payload.taskId(), Protocol.ERROR_CONTRACT_VIOLATION,
                    "The handler's result could not be turned into JSON: " + unserialisable.getMessage(), null);
        }
    }

    /** Marks the handler as returned and clears a late interrupt; the stop status, if any. */
    private synchronized String markHandlerDone() {
        handlerDone = true;
        Thread.interrupted();
        return endStatus;
    }

    private JsonNode resultData(Object value) {
        if (value == null) return JsonNodeFactory.instance.objectNode();
        JsonNode json = toJson(value);
        if (json == null || json.isNull() || json.isMissingNode()) return JsonNodeFactory.instance.objectNode();
        if (json.isObject()) return json;
        ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
        wrapped.set("value", json);
        return wrapped;
    }

    private JsonNode toJson(Object value) {
        return value instanceof JsonNode node ? node.deepCopy() : mapper.valueToTree(value);
    }

    private static String messageOf(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
    }

    /**
     * Log lines go by POST, acknowledged, so that {@link LogBatcher#close()} (which waits for the
     * last batch) means the server has them before the result: sent over the WebSocket, a task's
     * last lines raced its result and were dropped as events of a finished task.
     */
    private void sendLogLines(ArrayNode lines) {
        ObjectNode payloadJson = JsonNodeFactory.instance.objectNode();
        payloadJson.set("lines", lines);
        events.sendAcknowledged(messages.event(Protocol.EVENT_LOG, payloadJson, payload.taskId(), payload.jobId(), payload.tracingContext()));
    }

    // ---- TaskContext ----

    @Override
    public JsonNode params() {
        return payload.params();
    }

    @Override
    public <T> T params(Class<T> type) {
        try {
            return mapper.treeToValue(payload.params(), type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new TaskFailure(Protocol.ERROR_INVALID_INPUT,
                    "params do not fit " + type.getSimpleName() + ": "
                            + (e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage()), e);
        }
    }

    @Override
    public String skill() {
        return payload.type();
    }

    @Override
    public String taskId() {
        return payload.taskId();
    }

    @Override
    public String jobId() {
        return payload.jobId();
    }

    @Override
    public String coxswainTask() {
        return payload.coxswainTask();
    }

    @Override
    public int attempt() {
        return payload.attempt();
    }

    @Override
    public Instant deadline() {
        return payload.deadline();
    }

    @Override
    public JsonNode metadata() {
        return payload.metadata();
    }

    @Override
    public JsonNode checkpoint() {
        return payload.checkpoint();
    }

    @Override
    public void progress(double fraction, String message) {
        double clamped = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("progress", clamped)
                .put("message", message == null ? "" : message);
        events.send(messages.event(Protocol.EVENT_PROGRESS, body, payload.taskId(), payload.jobId(), payload.tracingContext()));
    }

    @Override
    public void log(LogLevel level, String message) {
        logs.add(level == null ? LogLevel.INFO : level, message);
    }

    @Override
    public boolean checkpoint(Object data) {
        Objects.requireNonNull(data, "data");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("data", toJson(data));
        return events.send(messages.event(Protocol.EVENT_CHECKPOINT, body, payload.taskId(), payload.jobId(), payload.tracingContext()));
    }

    @Override
    public synchronized boolean isCancelled() {
        return endStatus != null;
    }

    @Override
    public boolean awaitCancellation(Duration timeout) {
        try {
            return ended.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            if (isCancelled()) return true;
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String id() {
        return payload.taskId();
    }
}
