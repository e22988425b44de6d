package dev.coxswain.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.TaskTransitions;
import dev.coxswain.core.exec.Completion;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.DeviceStore;
import dev.coxswain.core.store.EventStore;
import dev.coxswain.core.store.EventStore.Event;
import dev.coxswain.core.store.LogStore;
import dev.coxswain.core.store.LogStore.Line;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.Tx;
import dev.coxswain.core.store.WorkerStore;
import dev.coxswain.core.store.WorkerStore.RemoteProfile;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The server side of the {@code /_worker} protocol, below HTTP: registration, heartbeats, long
 * polls, results and events of remote workers. Bodies arrive as parsed JSON (the face has checked
 * authentication, signature and freshness); each write is one transaction. A remote attempt is a
 * task attempt like a local one: the same claim, the same lifecycle records, the same retry,
 * timeout and cancel rules ({@link TaskTransitions}).
 */
public final class RemoteWorkers {
    private final dev.coxswain.core.engine.WorkerEvents reported;
    /** The protocol's identifier rule (worker ids, skill names). */
    public static final Pattern IDENTIFIER = Pattern.compile("^[a-zA-Z0-9_-]{1,128}$");
    /** Failure codes no retry can mend: the task fails at once. */
    static final Set<String> PERMANENT = Set.of("PERMANENT_ERROR", "INVALID_INPUT_ERROR", "INTEGRITY_MISMATCH_ERROR",
            "CONTRACT_VIOLATION_ERROR", "SECURITY_ERROR");
    /** Keys of a registration or heartbeat that are not kept in a worker's {@code info}. */
    private static final Set<String> NOT_INFO = Set.of("supported_skills", "security", "timestamp", "worker_id",
            "skills_hash", "current_tasks");
    private static final int MAX_EVENT_TEXT = 2000;

    private final Database db;
    private final TaskStore tasks;
    private final WorkerStore workers;
    private final LogStore logs;
    private final EventStore events;
    private final TaskTransitions transitions;
    private final RemoteDispatcher dispatcher;
    private final TaskPayloads payloads;
    private final DeviceReports deviceReports;
    private final DeviceStore devices;
    private final Clock clock;
    private final RemoteSettings settings;
    private final int maxLogLines;
    private final EngineObserver observer;
    private final Runnable queued;
    private final Runnable promote;

    /**
     * @param queued  after a write that may have queued tasks (dependents of a completed one, a
     *                handed-back attempt): wakes dispatch here and on the other nodes
     * @param promote after a write that may have made tasks pending (a retry with backoff)
     */
    public RemoteWorkers(Database db, TaskStore tasks, WorkerStore workers, DeviceStore devices, LogStore logs,
                         EventStore events, TaskTransitions transitions, RemoteDispatcher dispatcher, SealedEnvAccess env,
                         Clock clock, RemoteSettings settings, int maxLogLines, EngineObserver observer, Runnable queued,
                         Runnable promote) {
        this(db, tasks, workers, devices, logs, events, transitions, dispatcher, env, clock, settings, maxLogLines, observer,
                queued, promote, dev.coxswain.core.engine.WorkerEvents.NONE);
    }

    /** @param reported told of every progress and custom event stored for a task (workflow jobs follow them) */
    public RemoteWorkers(Database db, TaskStore tasks, WorkerStore workers, DeviceStore devices, LogStore logs,
                         EventStore events, TaskTransitions transitions, RemoteDispatcher dispatcher, SealedEnvAccess env,
                         Clock clock, RemoteSettings settings, int maxLogLines, EngineObserver observer, Runnable queued,
                         Runnable promote, dev.coxswain.core.engine.WorkerEvents reported) {
        this.reported = reported;
        this.db = db;
        this.tasks = tasks;
        this.workers = workers;
        this.logs = logs;
        this.events = events;
        this.transitions = transitions;
        this.dispatcher = dispatcher;
        this.payloads = new TaskPayloads(env.env());
        this.deviceReports = new DeviceReports(devices, tasks, transitions);
        this.devices = devices;
        this.clock = clock;
        this.settings = settings;
        this.maxLogLines = maxLogLines;
        this.observer = EngineObserver.guarded(observer);
        this.queued = queued;
        this.promote = promote;
    }

    /** The store's sealed-environment helper, passed in so this package need not build one. */
    public record SealedEnvAccess(dev.coxswain.core.store.SealedEnv env) {
    }

    public RemoteSettings settings() {
        return settings;
    }

    // ---- register ---------------------------------------------------------------------------

    /** Registers (or re-registers) a worker. @throws ValidationException on a malformed registration */
    public void register(String workerId, JsonNode body) {
        if (!body.isObject()) throw new ValidationException("body", "must be a JSON object");
        checkId(workerId);
        JsonNode skills = skills(body.get("supported_skills"));
        for (String k : List.of("available_skills", "hot_skills")) stringArray(body, k);
        for (String k : List.of("resources", "capabilities", "installed_software", "metadata")) object(body, k);
        if (body.has("installed_artifacts") && !body.get("installed_artifacts").isNull()
                && !body.get("installed_artifacts").isArray()) {
            throw new ValidationException("installed_artifacts", "must be an array");
        }
        if (body.path("resources").has("devices") && !body.path("resources").path("devices").isArray()
                && !body.path("resources").path("devices").isNull()) {
            throw new ValidationException("resources.devices", "must be an array");
        }
        String hash = text(body, "skills_hash");
        int capacity = capacity(body);
        ObjectNode info = info(null, body);
        if (!info.has("status")) info.put("status", "idle");
        String hostname = body.path("capabilities").path("hostname").asText("unknown");
        // What the worker runs on, as "python 3.11" / "java 25" (its installed software), for the version column.
        java.util.StringJoiner sw = new java.util.StringJoiner(", ");
        body.path("installed_software").fields().forEachRemaining(e -> sw.add(e.getKey() + " " + e.getValue().asText()));
        String version = sw.length() == 0 ? "unknown" : sw.toString();
        Instant now = clock.instant();
        List<Long> lost = new ArrayList<>();
        db.write(tx -> {
            if (workers.registerRemote(tx, workerId, hostname, capacity, version.length() > 200 ? version.substring(0, 200) : version,
                    skills, hash, info, now, now.plus(settings.ttl()))) {
                ObjectNode data = Json.object().put("hostname", hostname).put("kind", "remote");
                events.append(tx, List.of(new Event(now.toEpochMilli(), "worker.registered", null, workerId, data.toString())));
            }
            // A registration lists every device the worker has: one it no longer lists has vanished.
            deviceReports.apply(tx, workerId, body.path("resources").path("devices"), now, lost);
            return null;
        });
        if (!lost.isEmpty()) promote.run();
        queued.run(); // a new skill or device may have work waiting
    }

    // ---- heartbeat --------------------------------------------------------------------------

    /** @param cancelTaskIds wire ids of attempts the worker must stop */
    public record HeartbeatAnswer(String status, List<String> cancelTaskIds, boolean requireFullSync) {
    }

    /**
     * A heartbeat; {@code body} null for an empty one (a pure TTL refresh).
     *
     * @throws NotFoundException when the worker is unknown or has gone offline (it must register again)
     */
    public HeartbeatAnswer heartbeat(String workerId, JsonNode body) {
        Instant now = clock.instant();
        if (body != null && !body.isObject()) throw new ValidationException("body", "must be a JSON object");
        List<String> currentWire = body == null ? null : stringArray(body, "current_tasks");
        JsonNode incomingSkills = body == null ? null : skills(body.get("supported_skills"));
        if (body != null) {
            for (String k : List.of("available_skills", "hot_skills")) stringArray(body, k);
            object(body, "usage");
            object(body, "metadata");
            object(body, "resources");
            JsonNode devs = body.path("resources").path("devices");
            if (!devs.isMissingNode() && !devs.isNull() && !devs.isArray()) {
                throw new ValidationException("resources.devices", "must be an array");
            }
            if (body.has("status") && !body.get("status").isTextual()) throw new ValidationException("status", "must be a string");
        }
        boolean leaving = body != null && "offline".equals(body.path("status").asText());
        List<Long> lostOrCancelled = new ArrayList<>();
        HeartbeatAnswer answer = db.write(tx -> {
            RemoteProfile p = workers.remoteProfile(tx.connection(), workerId);
            if (p == null || !p.online() || p.expiresAt().isBefore(now)) throw new NotFoundException("Worker not found");
            if (body == null) {
                workers.touch(tx, workerId, now, now.plus(settings.ttl()));
                renewAll(tx, workerId, now);
                return new HeartbeatAnswer("ttl_refreshed", List.of(), false);
            }
            if (leaving) {
                workers.goOffline(tx, workerId, now);
                events.append(tx, List.of(new Event(now.toEpochMilli(), "worker.offline", null, workerId,
                        "{\"reason\":\"the worker said it is going offline\"}")));
                for (Task t : tasks.runningOn(tx.connection(), workerId)) {
                    transitions.attemptLost(tx, t, now, "worker " + workerId + " went offline while running it");
                    lostOrCancelled.add(t.id());
                }
                return new HeartbeatAnswer("ok", List.of(), false);
            }
            String hash = text(body, "skills_hash");
            JsonNode keep = null;
            if (incomingSkills != null && (hash == null || !hash.equals(p.skillsHash()) || !p.hasSkills())) keep = incomingSkills;
            boolean skillsKnown = keep != null ? !keep.isEmpty() : p.hasSkills() && (hash == null || hash.equals(p.skillsHash()));
            ObjectNode info = info(p.info(), body);
            workers.refreshRemote(tx, workerId, info, keep, keep != null ? hash : p.skillsHash(), now, now.plus(settings.ttl()));
            // Coxswain extension: a heartbeat's resources.devices is the worker's full device list.
            JsonNode devices = body.path("resources").path("devices");
            if (devices.isArray()) deviceReports.apply(tx, workerId, devices, now, lostOrCancelled);
            List<String> cancel = new ArrayList<>();
            if (currentWire == null) {
                renewAll(tx, workerId, now);
            } else {
                reconcile(tx, workerId, currentWire, now, cancel, lostOrCancelled);
                releaseLetGo(tx, workerId, currentWire);
            }
            return new HeartbeatAnswer("ok", cancel, !skillsKnown);
        });
        if (!lostOrCancelled.isEmpty()) promote.run();
        if (!leaving && body != null) queued.run(); // new or changed skills may match waiting work
        return answer;
    }

    private void renewAll(Tx tx, String workerId, Instant now) throws SQLException {
        tasks.renewLeases(tx, workerId, tasks.runningIds(tx.connection(), workerId), now.plus(settings.ttl()));
    }

    /**
     * Compares what the worker says it runs with what the store says: attempts it runs that are no
     * longer its own (cancelled, timed out, reassigned) go into {@code cancel}; attempts the store
     * gives it that it does not list, claimed longer than the grace ago, were lost on the way and
     * fail; the rest have their leases renewed.
     */
    private void reconcile(Tx tx, String workerId, List<String> currentWire, Instant now, List<String> cancel,
                           List<Long> lost) throws SQLException {
        Set<Long> listed = new HashSet<>();
        for (String w : currentWire) {
            WireIds.Ref r = WireIds.parse(w);
            Task t = r == null ? null : tasks.find(tx.connection(), r.taskId());
            if (t != null && t.status() == TaskStatus.RUNNING && (r.attempt() < 0 || t.attempt() == r.attempt())
                    && workerId.equals(t.workerId())) {
                listed.add(t.id());
            } else {
                cancel.add(w);
            }
        }
        tasks.renewLeases(tx, workerId, listed, now.plus(settings.ttl()));
        for (Task t : tasks.runningOn(tx.connection(), workerId)) {
            if (listed.contains(t.id()) || t.startedAt() == null || t.startedAt().plus(settings.missingGrace()).isAfter(now)) continue;
            transitions.attemptLost(tx, t, now, "worker " + workerId + " no longer runs attempt " + t.attempt()
                    + " (its heartbeat does not list it)");
            lost.add(t.id());
        }
    }

    /**
     * Frees the devices whose attempt the worker no longer runs: not in its {@code current_tasks},
     * and no longer running in the store (stopped, failed, lost — an attempt still running that it
     * does not list is {@link #reconcile}'s to judge, after its grace).
     */
    private void releaseLetGo(Tx tx, String workerId, List<String> currentWire) throws SQLException {
        List<DeviceStore.Busy> busy = devices.busyOf(tx.connection(), workerId);
        if (busy.isEmpty()) return;
        Set<String> listed = new HashSet<>();
        for (String w : currentWire) {
            WireIds.Ref r = WireIds.parse(w);
            if (r != null) listed.add(r.taskId() + "." + r.attempt());
        }
        for (DeviceStore.Busy b : busy) {
            if (listed.contains(b.taskId() + "." + b.attempt()) || listed.contains(b.taskId() + ".-1")) continue;
            Task t = tasks.find(tx.connection(), b.taskId());
            if (t != null && t.status() == TaskStatus.RUNNING && t.attempt() == b.attempt() && workerId.equals(t.workerId())) continue;
            devices.release(tx, workerId, b.taskId(), b.attempt());
        }
    }

    // ---- poll -------------------------------------------------------------------------------

    /**
     * Waits up to {@code timeout} (capped by the settings) for a task this worker can run.
     *
     * @param available the skills the worker can start now; empty = every skill it registered
     * @return the TaskPayload to send, or empty when nothing came
     * @throws NotFoundException when the worker is unknown or offline
     */
    public Optional<ObjectNode> poll(String workerId, Set<String> available, Duration timeout) throws InterruptedException {
        Duration wait = timeout.compareTo(settings.maxPoll()) > 0 ? settings.maxPoll() : timeout;
        if (wait.isNegative()) wait = Duration.ZERO;
        RemoteDispatcher.Waiter w = dispatcher.enqueue(workerId, available);
        Task t;
        try {
            t = w.result().get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            if (w.result().cancel(false)) {
                dispatcher.withdraw(w);
                if (e instanceof InterruptedException ie) throw ie;
                // A wait that ended before the dispatcher looked at it (a short timeout) must still
                // tell an unknown or offline worker so: on an empty answer it would poll on forever
                // instead of registering again.
                if (!online(workerId)) throw new NotFoundException("Worker not found");
                return Optional.empty();
            }
            // Completed as the wait ended: handed a task, told the worker is gone, or ended by shutdown.
            try {
                t = w.result().join();
            } catch (CancellationException ce) {
                return Optional.empty();
            } catch (java.util.concurrent.CompletionException ce) {
                if (ce.getCause() instanceof RemoteDispatcher.WorkerGone) throw new NotFoundException("Worker not found");
                throw new IllegalStateException(ce.getCause());
            }
        } catch (CancellationException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RemoteDispatcher.WorkerGone) throw new NotFoundException("Worker not found");
            throw new IllegalStateException(e.getCause());
        }
        return Optional.of(payloads.render(t, clock.instant()));
    }

    private boolean online(String workerId) {
        Instant now = clock.instant();
        RemoteProfile p = db.read(c -> workers.remoteProfile(c, workerId));
        return p != null && p.online() && !p.expiresAt().isBefore(now);
    }

    // ---- results ----------------------------------------------------------------------------

    /**
     * What became of a result: accepted (with the transition it caused) or ignored (with the
     * protocol's reason and a message).
     */
    public record ResultAnswer(boolean accepted, String transitionOrReason, String message) {
        static ResultAnswer ignored(String reason, String message) {
            return new ResultAnswer(false, reason, message);
        }
    }

    public ResultAnswer result(String workerId, JsonNode body) {
        if (!body.isObject()) throw new ValidationException("body", "must be a JSON object");
        String wireTask = requiredText(body, "task_id");
        requiredText(body, "job_id");
        String status = body.has("status") && !body.get("status").isNull() ? text(body, "status") : "success";
        JsonNode data = body.get("data");
        if (data != null && !data.isNull() && !data.isObject()) throw new ValidationException("data", "must be an object");
        JsonNode error = body.get("error");
        if (error != null && !error.isNull() && !error.isObject() && !error.isTextual()) {
            throw new ValidationException("error", "must be an object {code, message} or a string");
        }
        WireIds.Ref ref = WireIds.parse(wireTask);
        if (ref == null) return ResultAnswer.ignored("job_not_found", "Task " + wireTask + " not found");
        Instant now = clock.instant();
        Task[] finished = new Task[1];
        boolean[] freed = new boolean[1];
        ResultAnswer answer = db.write(tx -> {
            finished[0] = null;
            Task t = tasks.findForUpdate(tx, ref.taskId());
            // The worker has let go of this attempt, whatever becomes of its result (a stopped
            // script's result is ignored): the device it occupied is free for the next task.
            freed[0] = t != null && ref.attempt() >= 0 && DeviceReports.deviceOf(t) != null
                    && devices.release(tx, workerId, t.id(), ref.attempt());
            ResultAnswer refused = refusal(t, ref, workerId, wireTask);
            if (refused != null) return refused;
            finished[0] = t;
            return apply(tx, t, workerId, status, data, error, now);
        });
        if (answer.accepted()) {
            Task t = finished[0];
            observer.attemptFinished(t, outcome(answer.transitionOrReason()),
                    t.startedAt() == null ? Duration.ZERO : Duration.between(t.startedAt(), now));
            queued.run();
            promote.run();
        } else if (freed[0]) {
            queued.run();
        }
        return answer;
    }

    /** Null when the result belongs to the attempt the task runs on this worker; otherwise why not. */
    private static ResultAnswer refusal(Task t, WireIds.Ref ref, String workerId, String wireTask) {
        if (t == null) return ResultAnswer.ignored("job_not_found", "Task " + wireTask + " not found");
        String ref0 = WireIds.jobId(t.id());
        if (ref.attempt() > 0 && ref.attempt() != t.attempt()) {
            return ResultAnswer.ignored("stale_task", "attempt " + ref.attempt() + " of " + ref0
                    + " was superseded by attempt " + t.attempt());
        }
        if (t.status() == TaskStatus.RUNNING) {
            if (!workerId.equals(t.workerId())) {
                return ResultAnswer.ignored("worker_mismatch", ref0 + " is assigned to another worker");
            }
            return null;
        }
        boolean timedOut = t.error() != null && t.error().startsWith("Task timed out");
        return switch (t.status()) {
            case CANCELLED -> ResultAnswer.ignored("job_cancelled", "Job was cancelled");
            case COMPLETED -> ResultAnswer.ignored("job_already_terminated", ref0 + " has already completed");
            case FAILED -> timedOut ? ResultAnswer.ignored("deadline_exceeded", ref0 + " timed out before this result arrived")
                    : ResultAnswer.ignored("job_already_terminated", ref0 + " has already failed");
            default -> timedOut ? ResultAnswer.ignored("deadline_exceeded", "attempt " + t.attempt() + " of " + ref0
                    + " timed out before this result arrived; the task waits for its retry")
                    : ResultAnswer.ignored("stale_task", "attempt " + t.attempt() + " of " + ref0
                    + " was lost before this result arrived; the task waits for its retry");
        };
    }

    private ResultAnswer apply(Tx tx, Task t, String workerId, String status, JsonNode data, JsonNode error, Instant now)
            throws SQLException {
        switch (status) {
            case "released" -> {
                transitions.handBack(tx, t.id(), t.attempt(), now, "Attempt " + t.attempt() + " handed back by worker "
                        + workerId + " (shutting down)");
                return new ResultAnswer(true, "released", null);
            }
            case "failure", "cancelled" -> {
                String code;
                String message;
                if (status.equals("cancelled")) {
                    code = "CANCELLED";
                    message = "cancelled by worker " + workerId;
                } else if (error != null && error.isObject()) {
                    code = error.path("code").isTextual() ? error.get("code").asText() : "TRANSIENT_ERROR";
                    message = error.path("message").isTextual() ? error.get("message").asText() : code;
                } else {
                    code = "TRANSIENT_ERROR";
                    message = error != null && error.isTextual() ? error.asText() : "worker reported a failure";
                }
                // A failure's output (a shell command's stdout and exit code) may come as its error's details.
                JsonNode out = data != null && !data.isNull() ? data
                        : error != null && error.path("details").isObject() ? error.get("details") : null;
                ExecutionResult r = new ExecutionResult(false, exitCode(out), out == null ? null : resultText(t, out), message,
                        PERMANENT.contains(code), code);
                transitions.finishAll(tx, List.of(new Completion(t.id(), t.attempt(), workerId, Completion.Outcome.RESULT,
                        r, t.startedAt(), now)), List.of());
                return new ResultAnswer(true, status.equals("cancelled") ? "cancelled_handled" : "failure_handled", null);
            }
            default -> {
                List<Line> extra = new ArrayList<>();
                if (!status.equals("success")) {
                    extra.add(new Line(t.id(), now.toEpochMilli(), LogLevel.INFO, "Worker " + workerId + " reported status '"
                            + truncate(status, 100) + "'"));
                }
                ExecutionResult r = ExecutionResult.ok(exitCode(data), resultText(t, data));
                transitions.finishAll(tx, List.of(new Completion(t.id(), t.attempt(), workerId, Completion.Outcome.RESULT,
                        r, t.startedAt(), now)), extra);
                // A custom status is what a workflow's transitions follow; plain success needs no column.
                if (!status.equals("success")) tasks.setResultStatus(tx, t.id(), truncate(status, 100));
                return new ResultAnswer(true, "success_transition", null);
            }
        }
    }

    private static EngineObserver.AttemptOutcome outcome(String transition) {
        return switch (transition) {
            case "success_transition" -> EngineObserver.AttemptOutcome.COMPLETED;
            case "released" -> EngineObserver.AttemptOutcome.RELEASED;
            default -> EngineObserver.AttemptOutcome.FAILED;
        };
    }

    /**
     * The task's {@code result}: the worker's {@code data} as JSON; for a shell command run by a
     * remote shell worker, its standard output, so the task reads the same wherever it ran.
     */
    private static String resultText(Task t, JsonNode data) {
        if (data == null || data.isNull()) return t.type().equals("shell") ? null : "{}";
        if (t.type().equals("shell") && data.path("stdout").isTextual()) return data.get("stdout").asText();
        return Json.write(data);
    }

    private static Integer exitCode(JsonNode data) {
        return data != null && data.path("exit_code").canConvertToInt() && data.path("exit_code").isIntegralNumber()
                ? data.get("exit_code").asInt() : null;
    }

    // ---- events -----------------------------------------------------------------------------

    /** @param reason why nothing was stored (null when it was) */
    public record EventAnswer(boolean stored, String reason) {
    }

    public EventAnswer event(String workerId, JsonNode body) {
        if (!body.isObject()) throw new ValidationException("body", "must be a JSON object");
        String type = requiredText(body, "event_type");
        JsonNode payload = body.get("payload");
        if (payload == null || !payload.isObject()) throw new ValidationException("payload", "must be an object");
        String target = body.path("target_task_id").isTextual() ? body.get("target_task_id").asText()
                : body.path("origin_task_id").isTextual() ? body.get("origin_task_id").asText() : null;
        if (type.equals("progress") && payload.has("progress") && !payload.get("progress").isNumber()) {
            throw new ValidationException("payload.progress", "must be a number between 0 and 1");
        }
        if (type.equals("log") && !payload.path("lines").isArray()) {
            throw new ValidationException("payload.lines", "must be an array of {level, message}");
        }
        WireIds.Ref ref = WireIds.parse(target);
        if (ref == null) return new EventAnswer(false, "job_not_found");
        Instant now = clock.instant();
        return db.write(tx -> {
            Task t = tasks.findForUpdate(tx, ref.taskId());
            ResultAnswer refused = refusal(t, ref, workerId, target);
            if (refused != null) return new EventAnswer(false, refused.transitionOrReason());
            tasks.renewLeases(tx, workerId, List.of(t.id()), now.plus(settings.ttl()));
            return store(tx, t, workerId, type, payload, now);
        });
    }

    private EventAnswer store(Tx tx, Task t, String workerId, String type, JsonNode payload, Instant now) throws SQLException {
        List<Line> lines = new ArrayList<>();
        switch (type) {
            case "progress" -> {
                Double p = payload.path("progress").isNumber() ? Math.max(0, Math.min(1, payload.get("progress").asDouble())) : null;
                String msg = payload.path("message").isTextual() ? truncate(payload.get("message").asText(), MAX_EVENT_TEXT) : null;
                Map<String, Object> sets = new java.util.LinkedHashMap<>();
                sets.put("progress", p);
                sets.put("progress_message", msg);
                sets.put("updated_at", now);
                tasks.update(tx, t.id(), sets, TaskStatus.RUNNING);
                ObjectNode data = Json.object();
                if (p == null) data.putNull("progress");
                else data.put("progress", p);
                data.put("message", msg);
                events.append(tx, List.of(new Event(now.toEpochMilli(), "task.progress", t.id(), workerId, data.toString())));
                lines.add(new Line(t.id(), now.toEpochMilli(), LogLevel.INFO, "Progress"
                        + (p == null ? "" : String.format(Locale.ROOT, " %.0f%%", p * 100)) + (msg == null ? "" : ": " + msg)));
                reported.reported(tx, t, workerId, type, payload, now);
            }
            case "log" -> {
                for (JsonNode l : payload.get("lines")) {
                    String msg = l.isTextual() ? l.asText() : l.path("message").asText("");
                    LogLevel level = LogLevel.fromWire(l.path("level").asText("info"));
                    lines.add(new Line(t.id(), now.toEpochMilli(), level == null ? LogLevel.INFO : level, truncate(msg, 8192)));
                }
            }
            case "checkpoint" -> {
                if (!t.checkpointEnabled()) return new EventAnswer(false, "checkpoints_disabled");
                JsonNode cp = payload.has("data") ? payload.get("data") : payload;
                tasks.update(tx, t.id(), Map.of("checkpoint_data", Json.write(cp), "updated_at", now), TaskStatus.RUNNING);
                lines.add(new Line(t.id(), now.toEpochMilli(), LogLevel.INFO, "Checkpoint saved by worker " + workerId));
            }
            default -> {
                ObjectNode data = Json.object().put("event_type", type);
                data.set("payload", payload);
                events.append(tx, List.of(new Event(now.toEpochMilli(), "task.event", t.id(), workerId, data.toString())));
                lines.add(new Line(t.id(), now.toEpochMilli(), LogLevel.INFO, "Worker event " + truncate(type, 100) + ": "
                        + truncate(payload.toString(), MAX_EVENT_TEXT)));
                reported.reported(tx, t, workerId, type, payload, now);
            }
        }
        int room = Math.max(0, maxLogLines - t.logCount());
        if (lines.size() > room) lines = lines.subList(0, room);
        if (!lines.isEmpty()) {
            logs.append(tx, lines);
            tasks.addLogCount(tx, t.id(), lines.size());
        }
        return new EventAnswer(true, null);
    }

    // ---- shared checks ----------------------------------------------------------------------

    static void checkId(String workerId) {
        if (workerId == null || !IDENTIFIER.matcher(workerId).matches()) {
            throw new ValidationException("worker_id", "must match ^[a-zA-Z0-9_-]+$ (at most 128 characters)");
        }
    }

    /** The supported_skills array as stored (null when absent). */
    private static JsonNode skills(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw new ValidationException("supported_skills", "must be an array of skill objects");
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode s : v) {
            if (!s.isObject() || !s.path("name").isTextual()) {
                throw new ValidationException("supported_skills", "every skill must be an object with a string name");
            }
            String name = s.get("name").asText();
            if (!IDENTIFIER.matcher(name).matches()) {
                throw new ValidationException("supported_skills", "skill name '" + truncate(name, 100)
                        + "' must match ^[a-zA-Z0-9_-]+$ (at most 128 characters)");
            }
            if (!names.add(name)) throw new ValidationException("supported_skills", "skill '" + name + "' is listed twice");
            for (String k : List.of("input_schema", "output_schema", "events_schema", "properties")) {
                if (s.has(k) && !s.get(k).isNull() && !s.get(k).isObject()) {
                    throw new ValidationException("supported_skills", "skill '" + name + "': " + k + " must be an object");
                }
            }
        }
        return v;
    }

    private static List<String> stringArray(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw new ValidationException(key, "must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) throw new ValidationException(key, "must be an array of strings");
            out.add(e.asText());
        }
        return out;
    }

    private static void object(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (v != null && !v.isNull() && !v.isObject()) throw new ValidationException(key, "must be an object");
    }

    private static String text(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new ValidationException(key, "must be a string");
        return v.asText();
    }

    private static String requiredText(JsonNode body, String key) {
        String v = text(body, key);
        if (v == null) throw new ValidationException(key, "is required");
        return v;
    }

    /** Tasks the worker may hold at once: its {@code max_concurrent_tasks} (top level or in capabilities.extra); 0 = no cap. */
    private static int capacity(JsonNode body) {
        JsonNode v = body.has("max_concurrent_tasks") ? body.get("max_concurrent_tasks")
                : body.path("capabilities").path("extra").get("max_concurrent_tasks");
        if (v == null || v.isNull()) return 0;
        if (v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 0) return v.asInt();
        if (v.isTextual()) {
            try {
                int n = Integer.parseInt(v.asText().trim());
                if (n >= 0) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the error
            }
        }
        throw new ValidationException("max_concurrent_tasks", "must be a non-negative integer");
    }

    /** The stored report, with the new body's fields merged over it (a shallow merge, as the orchestrator does). */
    private static ObjectNode info(JsonNode stored, JsonNode body) {
        ObjectNode out = stored instanceof ObjectNode o ? o.deepCopy() : Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            var e = it.next();
            if (NOT_INFO.contains(e.getKey())) continue;
            if (e.getValue() == null || e.getValue().isNull()) continue;
            out.set(e.getKey(), e.getValue());
        }
        return out;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
