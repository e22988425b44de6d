package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.worker.protocol.Protocol;
import java.time.Duration;

/**
 * Keeps the server's record of this worker alive, on its own thread: registers (retrying 2, 4, 8
 * … 60 s, or after the server's Retry-After), then sends a heartbeat every interval, plus an early
 * one (at most one per cooldown) when a task starts or ends. It acts on the answers: a
 * {@code cancel_task_ids} list cancels tasks, {@code require_full_sync} makes the next heartbeat
 * carry the full skill list, and an error saying "not found" or "unauthorized" (the server
 * forgot the worker, or its session) leads to a new registration, as in the SDK.
 */
final class SessionKeeper implements Runnable {
    private static final System.Logger LOG = System.getLogger(SessionKeeper.class.getName());

    private final WorkerApi api;
    private final MessageSigner signer;
    private final WireMessages messages;
    private final Session session;
    private final TaskSupervisor tasks;
    private final MachineFacts facts;
    private final Settings settings;
    private final DeviceRoster devices;
    private final Timings timings;
    private final StopSignal stop;
    private final String heartbeatPath;
    private String hostname;
    private String ipAddress;
    private long lastBeatNanos;

    SessionKeeper(WorkerApi api, MessageSigner signer, WireMessages messages, Session session, TaskSupervisor tasks,
                  MachineFacts facts, Settings settings, DeviceRoster devices, Timings timings, StopSignal stop) {
        this.devices = devices;
        this.api = api;
        this.signer = signer;
        this.messages = messages;
        this.session = session;
        this.tasks = tasks;
        this.facts = facts;
        this.settings = settings;
        this.timings = timings;
        this.stop = stop;
        this.heartbeatPath = Protocol.heartbeatPath(settings.workerId());
    }

    @Override
    public void run() {
        // Looked up here, not in the builder: a slow DNS must not hold up the caller of start().
        hostname = settings.hostname() != null ? settings.hostname() : facts.hostname();
        ipAddress = settings.ipAddress() != null ? settings.ipAddress() : facts.ipAddress();
        Backoff failures = new Backoff(settings.heartbeatInterval(), timings.heartbeatRetryMax());
        while (!stop.isStopped()) {
            if (!session.isRegistered() && !registerUntilDone()) return;
            Duration wait;
            boolean earlyAllowed = true;
            try {
                beat();
                failures.reset();
                wait = settings.heartbeatInterval();
            } catch (ApiException e) {
                if (e.kind() == ApiException.Kind.RATE_LIMITED) {
                    wait = e.retryAfter() != null ? e.retryAfter() : timings.rateLimitFloor();
                    earlyAllowed = false;
                    LOG.log(System.Logger.Level.INFO, "Heartbeat rate-limited; next in {0} ms", wait.toMillis());
                } else if (e.sessionLost()) {
                    LOG.log(System.Logger.Level.WARNING, "The server lost this worker ({0}); registering again", e.getMessage());
                    session.lost();
                    continue;
                } else {
                    wait = failures.next();
                    LOG.log(System.Logger.Level.WARNING, "Heartbeat failed ({0}); next in {1} ms", e.getMessage(), wait.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            }
            if (!waitForNextBeat(wait, earlyAllowed)) return;
        }
    }

    /** @return true once registered, false when the worker stopped first */
    private boolean registerUntilDone() {
        Backoff backoff = new Backoff(timings.registrationRetry(), timings.registrationRetryMax());
        while (!stop.isStopped()) {
            try {
                long deviceVersion = devices.version();
                JsonNode answer = api.post(Protocol.PATH_REGISTER, signer.seal(messages.registration(hostname, ipAddress), false));
                devices.reported(deviceVersion);
                api.adoptTokens(answer);
                if (answer != null && answer.hasNonNull("warning")) {
                    LOG.log(System.Logger.Level.WARNING, "Registration warning from the server: {0}", answer.get("warning").asText());
                }
                session.registered();
                LOG.log(System.Logger.Level.INFO, "Registered as {0} with {1}", settings.workerId(), settings.server());
                return true;
            } catch (ApiException e) {
                Duration wait = backoff.next();
                if (e.kind() == ApiException.Kind.RATE_LIMITED) {
                    wait = e.retryAfter() != null ? e.retryAfter() : max(wait, timings.rateLimitFloor());
                }
                LOG.log(System.Logger.Level.WARNING, "Registration failed ({0}); retrying in {1} ms", e.getMessage(), wait.toMillis());
                if (!stop.pause(wait)) return false;
            } catch (InterruptedException e) {
                return false;
            }
        }
        return false;
    }

    private void beat() throws ApiException, InterruptedException {
        // This heartbeat carries whatever changed so far; a change from here on rings again.
        session.takeUrgent();
        long deviceVersion = devices.version();
        ObjectNode body = messages.heartbeat(tasks.isFull(), tasks.runningTaskIds(), !session.skillsAcknowledged(), facts.usage());
        lastBeatNanos = System.nanoTime();
        JsonNode answer = api.patch(heartbeatPath, signer.seal(body, false));
        // Answered, so the server has applied this device list (a heartbeat is one transaction).
        devices.reported(deviceVersion);
        if (answer == null || answer.isNull()) return;
        // Any JSON answer acknowledges the skills hash just sent, unless it asks for them all.
        session.skillsAcknowledged(!answer.path(Protocol.HEARTBEAT_REQUIRE_FULL_SYNC).asBoolean(false));
        for (JsonNode id : answer.path(Protocol.HEARTBEAT_CANCEL_TASK_IDS)) {
            if (id.isTextual()) tasks.cancel(id.textValue());
        }
    }

    /**
     * Waits for the next heartbeat: {@code wait}, or earlier when rung (a task started or ended,
     * no sooner than the cooldown after the last heartbeat; the session was lost or the devices
     * changed, at once).
     *
     * @return false when the worker stopped
     */
    private boolean waitForNextBeat(Duration wait, boolean earlyAllowed) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!stop.isStopped()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return true;
            boolean rung;
            try {
                rung = session.awaitRing(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                return false;
            }
            if (stop.isStopped()) return false;
            if (!rung) continue;
            if (!session.isRegistered()) return true;
            if (earlyAllowed) {
                if (session.takeUrgent()) return true;
                long earliest = lastBeatNanos + timings.heartbeatCooldown().toNanos();
                deadline = Math.min(deadline, earliest);
            }
        }
        return false;
    }

    /** The last heartbeat of a closing worker; one try, failures only logged. */
    void sendOffline() {
        try {
            api.patch(heartbeatPath, signer.seal(messages.offlineHeartbeat(facts.usage()), false));
            LOG.log(System.Logger.Level.INFO, "Worker {0} signed off", settings.workerId());
        } catch (ApiException e) {
            LOG.log(System.Logger.Level.WARNING, "The offline heartbeat failed: {0}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
