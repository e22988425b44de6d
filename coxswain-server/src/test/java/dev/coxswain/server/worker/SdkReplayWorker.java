package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A worker that does on the wire what the Python Avtomatika worker SDK (1.0b19 with rxon
 * 1.0b15) does, in the same order and with the same body shapes — written from the protocol
 * notes and the recorded SDK transcript, not from Coxswain's server code, so that it can check
 * the server's {@code /_worker} API the way the real SDK will use it.
 *
 * <p>Lifecycle, as the SDK: register (retried 2, 4, 8 … 60 s; 429 → exactly Retry-After), then
 * in parallel a heartbeat loop and one long poll at a time. A task is run on its own thread and
 * the next poll goes out at once (up to {@code maxConcurrentTasks}); after a 204 the next poll
 * waits {@code idlePollDelay}. A task payload that breaks the strict TaskPayload model stops
 * polling for good (heartbeats go on), recorded in {@link #protocolFailures()}. Results go
 * through one queue with 5 tries. {@link #close()} sends the final {@code offline} heartbeat.
 *
 * <p>Everything is recorded ({@link #exchanges()}, {@link #payloads()}, {@link #results()} …)
 * for tests to assert on; nothing here asserts by itself.
 */
public final class SdkReplayWorker implements AutoCloseable {
    private static final Pattern IDENTIFIER = Pattern.compile("^[a-zA-Z0-9_-]+$");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Duration REGISTRATION_MAX_DELAY = Duration.ofSeconds(60);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(60);
    /** Without Retry-After the SDK waits at least this long after a 429. */
    private static final Duration RATE_LIMIT_FLOOR = Duration.ofSeconds(30);
    /** Usage goes out on the first heartbeat and then at least this often (the values never move here). */
    private static final Duration USAGE_FORCE_INTERVAL = Duration.ofSeconds(60);
    private static final int RESULT_TRIES = 5;

    /** A result the worker posted and the last answer it got for it. */
    record SentResult(String jobId, String taskId, ObjectNode body, WireExchange reply) {
        /** The result's status; absent on the wire means success. */
        String status() {
            return body.path("status").asText("success");
        }

        /** {@code accepted}, {@code ignored} …, or null when there was no JSON answer. */
        String replyStatus() {
            JsonNode j = reply.responseJson();
            return j == null ? null : j.path("status").asText(null);
        }

        String replyField(String name) {
            JsonNode j = reply.responseJson();
            return j == null ? null : j.path(name).asText(null);
        }
    }

    private record Running(TaskPayload payload, Thread thread, AtomicBoolean cancelRequested) {
    }

    private enum Beat { OK, RATE_LIMITED, REREGISTER, ERROR, ABORTED }

    private record BeatOutcome(Beat beat, Duration retryAfter) {
    }

    // ---- settings ----
    private final String id;
    private final String masterToken;
    private final Clock clock;
    private final Duration heartbeatInterval;
    private final Duration heartbeatCooldown;
    private final Duration heartbeatErrorBackoff;
    private final Duration idlePollDelay;
    private final double pollTimeoutSeconds;
    private final int maxConcurrentTasks;
    private final Duration shutdownTimeout;
    private final Map<String, ReplaySkills.Skill> skills;
    private final SdkMessages messages;
    private final String skillsHash;
    private final ReplayTransport transport;

    // ---- state ----
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running;
    private final CountDownLatch registered = new CountDownLatch(1);
    private volatile boolean pollingStopped;
    private volatile boolean stalled;
    private volatile long stallEnd;
    /** The skills_hash the server last acknowledged; supported_skills is resent while it differs. */
    private volatile String ackedSkillsHash;
    private volatile Instant lastUsageAt;
    private volatile long lastHeartbeatNanos;
    private final AtomicBoolean extraHeartbeatPending = new AtomicBoolean();
    private final Map<String, Running> active = new ConcurrentHashMap<>();
    private final Map<String, Integer> deliveries = new ConcurrentHashMap<>();
    private volatile Thread lifecycleThread;
    private volatile Thread pollThread;
    private final ExecutorService resultQueue;
    private final ScheduledExecutorService debounce;

    // ---- records ----
    private final List<TaskPayload> payloads = new CopyOnWriteArrayList<>();
    private final List<String> protocolFailures = new CopyOnWriteArrayList<>();
    private final List<String> wireViolations = new CopyOnWriteArrayList<>();
    private final AtomicInteger floatTimestamps = new AtomicInteger();
    private final List<String> cancelIdsReceived = new CopyOnWriteArrayList<>();
    private final List<SentResult> results = new CopyOnWriteArrayList<>();

    private SdkReplayWorker(Builder b) {
        if (!IDENTIFIER.matcher(b.workerId).matches()) {
            throw new IllegalArgumentException("the SDK refuses worker id '" + b.workerId + "' (allowed: [a-zA-Z0-9_-]+)");
        }
        this.id = b.workerId;
        this.masterToken = b.masterToken;
        this.clock = b.clock;
        this.heartbeatInterval = b.heartbeatInterval;
        this.heartbeatCooldown = b.heartbeatCooldown;
        this.heartbeatErrorBackoff = b.heartbeatErrorBackoff;
        this.idlePollDelay = b.idlePollDelay;
        this.pollTimeoutSeconds = b.pollTimeoutSeconds;
        this.maxConcurrentTasks = b.maxConcurrentTasks;
        this.shutdownTimeout = b.shutdownTimeout;
        this.skills = Map.copyOf(b.skills);
        this.messages = new SdkMessages(id, b.workerType, b.hostname, b.ipAddress, List.copyOf(b.skills.values()),
                List.copyOf(b.devices), clock);
        this.skillsHash = messages.skillsHash();
        Consumer<WireExchange> outer = b.listener;
        this.transport = new ReplayTransport(b.base, id, masterToken, clock, x -> {
            checkWire(x);
            outer.accept(x);
        });
        this.resultQueue = Executors.newSingleThreadExecutor(daemon("replay-results-" + id));
        this.debounce = Executors.newSingleThreadScheduledExecutor(daemon("replay-heartbeat-debounce-" + id));
        this.lastHeartbeatNanos = System.nanoTime() - heartbeatCooldown.toNanos();
    }

    public static Builder builder(URI base, String workerId, String masterToken) {
        return new Builder(base, workerId, masterToken);
    }

    /** Settings with the SDK's defaults; tests shorten the heartbeat interval. */
    public static final class Builder {
        private final URI base;
        private final String workerId;
        private String masterToken;
        private String workerType = "coxswain-replay-worker";
        private String hostname = "replay-host"; // the SDK sends socket.gethostname(); any name will do
        private String ipAddress = "127.0.0.1";
        private Clock clock = Clock.systemUTC();
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private Duration heartbeatCooldown = Duration.ofSeconds(2);
        private Duration heartbeatErrorBackoff = Duration.ofSeconds(15);
        private Duration idlePollDelay = Duration.ofMillis(500);
        private double pollTimeoutSeconds = 30.0;
        private int maxConcurrentTasks = 10;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private final Map<String, ReplaySkills.Skill> skills = new LinkedHashMap<>(ReplaySkills.builtIns());
        private final List<ObjectNode> devices = new java.util.ArrayList<>();
        private Consumer<WireExchange> listener = x -> { };

        private Builder(URI base, String workerId, String masterToken) {
            this.base = base;
            this.workerId = workerId;
            this.masterToken = masterToken;
        }

        public Builder masterToken(String t) {
            this.masterToken = t;
            return this;
        }

        public Builder workerType(String t) {
            this.workerType = t;
            return this;
        }

        public Builder hostname(String h) {
            this.hostname = h;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** {@code HEARTBEAT_INTERVAL} (SDK default 15 s). */
        public Builder heartbeatInterval(Duration d) {
            this.heartbeatInterval = d;
            return this;
        }

        /** {@code WORKER_HEARTBEAT_COOLDOWN}: extra heartbeats after task start/finish, at most one per this. */
        public Builder heartbeatCooldown(Duration d) {
            this.heartbeatCooldown = d;
            return this;
        }

        /** First wait after a failed periodic heartbeat (SDK: 15 s, doubling to 60 s). */
        public Builder heartbeatErrorBackoff(Duration d) {
            this.heartbeatErrorBackoff = d;
            return this;
        }

        /** {@code IDLE_POLL_DELAY} (0.5 s). */
        public Builder idlePollDelay(Duration d) {
            this.idlePollDelay = d;
            return this;
        }

        /** {@code TASK_POLL_TIMEOUT} (30), sent as {@code ?timeout=30.0}. */
        public Builder pollTimeoutSeconds(double s) {
            this.pollTimeoutSeconds = s;
            return this;
        }

        /** {@code MAX_CONCURRENT_TASKS} (10). */
        public Builder maxConcurrentTasks(int n) {
            this.maxConcurrentTasks = n;
            return this;
        }

        /** {@code WORKER_SHUTDOWN_TIMEOUT} (30 s): how long close() lets running tasks finish. */
        public Builder shutdownTimeout(Duration d) {
            this.shutdownTimeout = d;
            return this;
        }

        /** Replaces (or adds) the handler of a skill; a replaced skill keeps its description. */
        public Builder skill(String name, ReplaySkills.Handler handler) {
            ReplaySkills.Skill old = skills.get(name);
            skills.put(name, new ReplaySkills.Skill(name, old != null ? old.description() : "Replay test skill " + name + ".", handler));
            return this;
        }

        /**
         * A device as the SDK declares one ({@code WORKER_DEVICES}): an entry of the registration's
         * {@code resources.devices}, e.g. {@code {"type", "model", "id", "properties"}}. The SDK
         * sends its devices only when it registers.
         */
        public Builder device(ObjectNode device) {
            devices.add(device.deepCopy());
            return this;
        }

        /** Told about every exchange as it is recorded (e.g. to put responses in the secret ledger). */
        public Builder listener(Consumer<WireExchange> l) {
            this.listener = l;
            return this;
        }

        public SdkReplayWorker build() {
            return new SdkReplayWorker(this);
        }
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    public SdkReplayWorker start() {
        if (!started.compareAndSet(false, true)) throw new IllegalStateException("already started");
        running = true;
        lifecycleThread = daemon("replay-lifecycle-" + id).newThread(this::lifecycle);
        lifecycleThread.start();
        return this;
    }

    private void lifecycle() {
        if (!registerUntilDone()) return;
        registered.countDown();
        // The SDK starts polling after the first registration, alongside the first heartbeat.
        Thread p = daemon("replay-poll-" + id).newThread(this::pollLoop);
        pollThread = p;
        if (running) p.start();
        heartbeatLoop();
    }

    /**
     * Stops polling, sends the final {@code offline} heartbeat (with {@code supported_skills: []}),
     * lets running tasks finish for {@code shutdownTimeout}, then cancels the rest and drains the
     * result queue.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        boolean wasRegistered = registered.getCount() == 0;
        running = false;
        interrupt(pollThread);
        interrupt(lifecycleThread);
        debounce.shutdownNow();
        join(pollThread);
        join(lifecycleThread);
        if (started.get() && wasRegistered) {
            ObjectNode body = messages.offlineHeartbeat(active.keySet());
            transport.send("PATCH", "/_worker/workers/" + id, CanonicalJson.bytes(sign(body, false)), Duration.ofSeconds(5));
        }
        waitForActive(shutdownTimeout);
        for (Running r : active.values()) {
            r.cancelRequested().set(true);
            r.thread().interrupt();
        }
        waitForActive(Duration.ofSeconds(2));
        resultQueue.shutdown();
        try {
            resultQueue.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Goes silent for {@code d} — no heartbeat, no poll, the held poll cut off — as a worker in a
     * long GC pause or behind a broken network would; afterwards it carries on as before (the
     * server may have forgotten it meanwhile: then the next heartbeat gets 404 and it re-registers).
     */
    public void stall(Duration d) {
        stallEnd = System.nanoTime() + d.toNanos();
        stalled = true;
        interrupt(pollThread);
    }

    // ---- registration -------------------------------------------------------------------------

    private boolean registerUntilDone() {
        Duration delay = Duration.ofSeconds(1);
        while (running) {
            if (!awaitNotStalled()) return false;
            WireExchange x = transport.send("POST", "/_worker/workers/register", CanonicalJson.bytes(sign(messages.registration(), false)));
            if (x.ok()) {
                JsonNode j = x.responseJson();
                if (j != null) transport.adoptFromAnswer(j);
                ackedSkillsHash = skillsHash; // the registration carried the full skill list
                return true;
            }
            if (x.status() == WireExchange.ABORTED) {
                Thread.interrupted();
                continue;
            }
            delay = min(delay.multipliedBy(2), REGISTRATION_MAX_DELAY);
            Duration wait = delay;
            if (x.status() == 429) {
                Duration ra = retryAfter(x);
                wait = ra != null ? ra : max(RATE_LIMIT_FLOOR, delay);
            }
            pause(wait);
        }
        return false;
    }

    // ---- heartbeats ---------------------------------------------------------------------------

    private void heartbeatLoop() {
        Duration errorBackoff = heartbeatErrorBackoff;
        while (running) {
            if (!awaitNotStalled()) return;
            BeatOutcome o = heartbeat(true);
            Duration next = heartbeatInterval;
            switch (o.beat()) {
                case OK -> errorBackoff = heartbeatErrorBackoff;
                case ABORTED -> {
                    Thread.interrupted();
                    continue;
                }
                case REREGISTER -> {
                    // "not found" / "unauthorized": register again, then heartbeat again at once.
                    if (!registerUntilDone()) return;
                    continue;
                }
                case RATE_LIMITED -> next = o.retryAfter() != null ? o.retryAfter() : max(RATE_LIMIT_FLOOR, errorBackoff);
                case ERROR -> {
                    next = errorBackoff;
                    errorBackoff = min(errorBackoff.multipliedBy(2), BACKOFF_MAX);
                }
            }
            pause(next);
        }
    }

    /**
     * One heartbeat. A non-null JSON answer acknowledges the sent skills_hash (unless it asks for
     * {@code require_full_sync}) and its {@code cancel_task_ids} cancel running tasks. Only the
     * periodic heartbeat re-registers on an error; the extra ones just log (SDK behaviour).
     */
    private BeatOutcome heartbeat(boolean periodic) {
        ObjectNode body = heartbeatBody(active.size() >= maxConcurrentTasks ? "full" : "idle");
        lastHeartbeatNanos = System.nanoTime();
        WireExchange x = transport.send("PATCH", "/_worker/workers/" + id, CanonicalJson.bytes(sign(body, false)));
        if (x.ok()) {
            JsonNode j = x.status() == 204 ? null : x.responseJson();
            if (j != null && !j.isNull()) {
                ackedSkillsHash = body.path("skills_hash").asText();
                if (j.path("require_full_sync").asBoolean(false)) ackedSkillsHash = null;
                JsonNode ids = j.get("cancel_task_ids");
                if (ids != null && ids.isArray()) ids.forEach(n -> cancel(n.asText()));
            }
            return new BeatOutcome(Beat.OK, null);
        }
        if (x.status() == WireExchange.ABORTED) return new BeatOutcome(Beat.ABORTED, null);
        if (x.status() == 429) return new BeatOutcome(Beat.RATE_LIMITED, retryAfter(x));
        String text = x.sdkErrorText().toLowerCase(Locale.ROOT);
        if (periodic && (text.contains("not found") || text.contains("unauthorized"))) return new BeatOutcome(Beat.REREGISTER, null);
        return new BeatOutcome(Beat.ERROR, null);
    }

    /**
     * One signed heartbeat, sent now, its answer not acted on: lets a test see what the server
     * says to a heartbeat of this id (e.g. 404 for a worker it never met).
     */
    public WireExchange sendHeartbeatOnce() {
        return transport.send("PATCH", "/_worker/workers/" + id, CanonicalJson.bytes(sign(heartbeatBody("idle"), false)));
    }

    /** Skills while the server has not acknowledged this hash; usage on the first and then every minute. */
    private ObjectNode heartbeatBody(String status) {
        Instant now = clock.instant();
        Instant last = lastUsageAt;
        boolean withUsage = last == null || Duration.between(last, now).compareTo(USAGE_FORCE_INTERVAL) >= 0;
        if (withUsage) lastUsageAt = now;
        return messages.heartbeat(status, active.keySet(), !skillsHash.equals(ackedSkillsHash), withUsage);
    }

    /** An extra heartbeat after a task starts or ends, at most one per cooldown (the SDK's debounce). */
    private void scheduleExtraHeartbeat() {
        if (!running || !extraHeartbeatPending.compareAndSet(false, true)) return;
        long wait = Math.max(0, lastHeartbeatNanos + heartbeatCooldown.toNanos() - System.nanoTime());
        try {
            debounce.schedule(() -> {
                extraHeartbeatPending.set(false);
                if (running && !stalled && registered.getCount() == 0) heartbeat(false);
            }, wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            extraHeartbeatPending.set(false);
        }
    }

    private void cancel(String wireTaskId) {
        cancelIdsReceived.add(wireTaskId);
        Running r = active.get(wireTaskId);
        if (r == null) return;
        r.cancelRequested().set(true);
        r.thread().interrupt();
    }

    // ---- polling ------------------------------------------------------------------------------

    private void pollLoop() {
        Duration backoff = Duration.ofSeconds(1);
        long clientTimeoutMs = Math.round((pollTimeoutSeconds + 5) * 1000); // rxon: timeout + 5 s
        while (running) {
            if (!awaitNotStalled()) return;
            if (active.size() >= maxConcurrentTasks) { // status "full": the SDK does not poll
                pause(idlePollDelay);
                continue;
            }
            WireExchange x = transport.send("GET", pollPath(), null, Duration.ofMillis(clientTimeoutMs));
            if (x.status() == WireExchange.ABORTED) {
                Thread.interrupted();
                continue;
            }
            if (x.status() == 200 && x.responseJson() != null && !TaskPayload.noTask(x.responseJson())) {
                backoff = Duration.ofSeconds(1);
                TaskPayload p;
                try {
                    p = TaskPayload.parse(x.responseJson());
                } catch (TaskPayload.Rejected e) {
                    // The SDK's msgspec error escapes its poll loop: no more polls, ever.
                    if (e.floatTime) floatTimestamps.incrementAndGet();
                    protocolFailures.add("task payload rejected (" + e.getMessage() + "): " + x.responseBody());
                    pollingStopped = true;
                    return;
                }
                accept(p);
                continue; // the next poll goes out at once while the task runs
            }
            if (x.status() == 429) {
                Duration ra = retryAfter(x);
                pause(ra != null ? ra : max(RATE_LIMIT_FLOOR, backoff));
                backoff = min(backoff.multipliedBy(2), BACKOFF_MAX);
                continue;
            }
            if (x.status() == WireExchange.NETWORK_ERROR) {
                pause(backoff);
                backoff = min(backoff.multipliedBy(2), BACKOFF_MAX);
                continue;
            }
            backoff = Duration.ofSeconds(1);
            pause(idlePollDelay); // 204, {} or any other error: next poll after IDLE_POLL_DELAY
        }
    }

    private String pollPath() {
        return "/_worker/workers/" + id + "/tasks/next?timeout=" + pollTimeoutSeconds + "&available_skills="
                + String.join(",", messages.skillNames()) + "&hot_skills=";
    }

    // ---- tasks --------------------------------------------------------------------------------

    private void accept(TaskPayload p) {
        int delivery = deliveries.merge(p.jobId(), 1, Integer::sum);
        Running[] self = new Running[1];
        Thread t = daemon("replay-task-" + p.taskId()).newThread(() -> runTask(self[0], delivery));
        self[0] = new Running(p, t, new AtomicBoolean());
        active.put(p.taskId(), self[0]); // before it is visible in payloads(): a test seeing it there finds it running
        payloads.add(p);
        t.start();
        scheduleExtraHeartbeat();
    }

    private void runTask(Running r, int delivery) {
        TaskPayload p = r.payload();
        long t0 = System.nanoTime();
        ObjectNode result;
        ReplaySkills.Skill skill = skills.get(p.type());
        if (skill == null) {
            result = messages.failure(p, "PERMANENT_ERROR", "Unsupported skill: " + p.type(), false);
        } else {
            ReplaySkills.TaskContext ctx = new ReplaySkills.TaskContext() {
                @Override
                public TaskPayload payload() {
                    return p;
                }

                @Override
                public int delivery() {
                    return delivery;
                }

                @Override
                public void sendProgress(double progress, String message) {
                    SdkReplayWorker.this.sendProgress(p, progress, message);
                }
            };
            try {
                ObjectNode out = skill.handler().run(ctx);
                // execution_time_seconds rounded to 0.1 ms, like the SDK's (0.0015, 0.205 in the transcript)
                double seconds = Math.round((System.nanoTime() - t0) / 1e5) / 1e4;
                result = r.cancelRequested().get() ? messages.cancelled(p)
                        : messages.fromHandler(p, out == null ? NODES.objectNode() : out, seconds);
            } catch (ReplaySkills.PermanentError e) {
                result = messages.failure(p, "PERMANENT_ERROR", e.getMessage(), true);
            } catch (ReplaySkills.InvalidInput e) {
                result = messages.failure(p, "INVALID_INPUT_ERROR", e.getMessage(), true);
            } catch (IllegalArgumentException e) { // the SDK maps ValueError to an integrity failure
                result = messages.failure(p, "INTEGRITY_MISMATCH_ERROR", String.valueOf(e.getMessage()), true);
            } catch (Exception e) {
                result = r.cancelRequested().get() ? messages.cancelled(p)
                        : messages.failure(p, "TRANSIENT_ERROR", e.getMessage() == null ? "" : e.getMessage(), true);
            }
        }
        ObjectNode signedResult = sign(result, false);
        try {
            resultQueue.execute(() -> postResult(p, signedResult));
        } catch (RejectedExecutionException e) {
            protocolFailures.add("result of " + p.taskId() + " not sent: the worker was closed");
        }
        active.remove(p.taskId());
        scheduleExtraHeartbeat();
    }

    /** The result queue: 5 tries, 1 s doubling (429: at least Retry-After); {@code ignored} is final. */
    private void postResult(TaskPayload p, ObjectNode body) {
        byte[] bytes = CanonicalJson.bytes(body);
        Duration delay = Duration.ofSeconds(1);
        for (int attempt = 1; ; attempt++) {
            WireExchange x = transport.send("POST", "/_worker/tasks/result", bytes);
            if (x.ok() || attempt == RESULT_TRIES) {
                results.add(new SentResult(p.jobId(), p.taskId(), body, x));
                return;
            }
            Duration wait = delay;
            if (x.status() == 429) {
                Duration ra = retryAfter(x);
                if (ra != null && ra.compareTo(delay) > 0) wait = ra;
            }
            pause(wait);
            delay = delay.multipliedBy(2);
        }
    }

    /** A {@code progress} event; failures are swallowed and the answer is not read (SDK behaviour). */
    private void sendProgress(TaskPayload p, double progress, String message) {
        transport.send("POST", "/_worker/events", CanonicalJson.bytes(sign(messages.progressEvent(p, progress, message), true)));
    }

    // ---- wire checks --------------------------------------------------------------------------

    /** What the SDK would trip over in an answer (§1): no JSON where JSON is due, and the brief's headers. */
    private void checkWire(WireExchange x) {
        if (x.status() < 0) return;
        if (!ReplayTransport.PROTOCOL_VERSION.equals(x.header("x-rxon-version"))) {
            wireViolations.add("no X-RXON-Version: " + ReplayTransport.PROTOCOL_VERSION + " on " + x);
        }
        if (x.status() == 204) {
            if (x.responseBody() != null && !x.responseBody().isEmpty()) wireViolations.add("204 with a body: " + x);
            return;
        }
        String ct = x.header("content-type");
        if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            wireViolations.add("Content-Type " + ct + " instead of application/json: " + x);
        } else if (x.responseJson() == null) {
            wireViolations.add("body is not JSON: " + x);
        }
        if (x.status() == 429 && x.header("retry-after") == null) wireViolations.add("429 without Retry-After: " + x);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private ObjectNode sign(ObjectNode body, boolean event) {
        return CanonicalJson.signed(body, id, masterToken, event);
    }

    /** Retry-After as seconds (a float is accepted) or an HTTP-date; null when absent or unreadable. */
    private Duration retryAfter(WireExchange x) {
        String v = x.header("retry-after");
        if (v == null) return null;
        try {
            return Duration.ofMillis(Math.round(Math.max(0, Double.parseDouble(v.trim())) * 1000));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException ex) {
                return null;
            }
        }
    }

    private boolean awaitNotStalled() {
        while (running && stalled) {
            long left = stallEnd - System.nanoTime();
            if (left <= 0) {
                stalled = false;
                break;
            }
            pause(Duration.ofNanos(Math.min(left, 50_000_000L)));
        }
        return running;
    }

    /** Sleeps; an interrupt (close, stall) ends it early and the loops look at their flags next. */
    private static void pause(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            // woken on purpose
        }
    }

    private void waitForActive(Duration max) {
        long end = System.nanoTime() + max.toNanos();
        while (!active.isEmpty() && System.nanoTime() < end) pause(Duration.ofMillis(20));
    }

    private static void interrupt(Thread t) {
        if (t != null) t.interrupt();
    }

    private static void join(Thread t) {
        if (t == null || t == Thread.currentThread()) return;
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    // ---- what tests look at -------------------------------------------------------------------

    public String id() {
        return id;
    }

    ReplayTransport transport() {
        return transport;
    }

    String skillsHash() {
        return skillsHash;
    }

    public boolean awaitRegistered(Duration max) throws InterruptedException {
        return registered.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isRegistered() {
        return registered.getCount() == 0;
    }

    /** Every request sent and its answer, in sending order. */
    List<WireExchange> exchanges() {
        return transport.exchanges();
    }

    List<WireExchange> exchanges(WireExchange.Kind kind) {
        return exchanges().stream().filter(x -> x.is(kind)).toList();
    }

    /** Every task payload accepted, in order of arrival. */
    List<TaskPayload> payloads() {
        return List.copyOf(payloads);
    }

    List<TaskPayload> payloadsFor(String jobId) {
        return payloads.stream().filter(p -> p.jobId().equals(jobId)).toList();
    }

    /** What would have broken the real SDK (a payload it cannot parse); polling stopped at the first. */
    public List<String> protocolFailures() {
        return List.copyOf(protocolFailures);
    }

    /** Answers with a shape the brief rules out (no X-RXON-Version, not JSON, 429 without Retry-After). */
    public List<String> wireViolations() {
        return List.copyOf(wireViolations);
    }

    /** Task payloads refused for a non-integer {@code timestamp} or {@code deadline}. */
    public int floatTimestampsSeen() {
        return floatTimestamps.get();
    }

    public boolean pollingStopped() {
        return pollingStopped;
    }

    /** Every id a heartbeat answer asked to cancel, in order (running or not). */
    List<String> cancelIdsReceived() {
        return List.copyOf(cancelIdsReceived);
    }

    List<SentResult> results() {
        return List.copyOf(results);
    }

    List<SentResult> resultsFor(String jobId) {
        return results.stream().filter(r -> r.jobId().equals(jobId)).toList();
    }

    /** Wire ids of the tasks running now. */
    Set<String> activeTaskIds() {
        return Set.copyOf(active.keySet());
    }

    /** For failure messages: the whole conversation, tokens withheld. */
    String transcript() {
        StringBuilder sb = new StringBuilder("---- " + id + " ----\n");
        for (WireExchange x : exchanges()) sb.append(x).append('\n');
        if (!protocolFailures.isEmpty()) sb.append("protocol failures: ").append(protocolFailures).append('\n');
        return sb.toString();
    }
}
