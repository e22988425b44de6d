package dev.coxswain.worker.protocol;

import java.util.Set;

/**
 * The literals of the {@code /_worker} wire protocol (rxon 1.0b15, as the Avtomatika worker SDK
 * speaks it), shared by the worker library and the server so neither can drift from the other.
 * Values are the ones read in rxon's {@code constants.py}; Coxswain's own extensions are marked.
 */
public final class Protocol {
    private Protocol() {
    }

    /** The protocol version both sides announce in {@link #HEADER_PROTOCOL_VERSION}. */
    public static final String PROTOCOL_VERSION = "1.0b15";

    // ---- Headers ----
    public static final String HEADER_WORKER_TOKEN = "X-Worker-Token";
    public static final String HEADER_WORKER_ID = "X-Worker-ID";
    public static final String HEADER_PROTOCOL_VERSION = "X-RXON-Version";
    public static final String HEADER_RETRY_AFTER = "Retry-After";
    public static final String CONTENT_TYPE_JSON = "application/json";

    // ---- Paths ----
    public static final String WORKER_API_PREFIX = "/_worker";
    public static final String PATH_REGISTER = WORKER_API_PREFIX + "/workers/register";
    public static final String PATH_RESULT = WORKER_API_PREFIX + "/tasks/result";
    public static final String PATH_EVENTS = WORKER_API_PREFIX + "/events";
    public static final String PATH_STS_TOKEN = WORKER_API_PREFIX + "/auth/token";
    public static final String PATH_STS_REFRESH = WORKER_API_PREFIX + "/auth/token/refresh";
    /** Prefix of the heartbeat path ({@code PATCH /_worker/workers/{id}}) and the poll path. */
    public static final String PATH_WORKERS = WORKER_API_PREFIX + "/workers/";
    public static final String PATH_WEBSOCKET = WORKER_API_PREFIX + "/ws/";

    /** {@code PATCH} target of a heartbeat. */
    public static String heartbeatPath(String workerId) {
        return PATH_WORKERS + workerId;
    }

    /** {@code GET} target of the long poll (without its query). */
    public static String nextTaskPath(String workerId) {
        return PATH_WORKERS + workerId + "/tasks/next";
    }

    /** Path of the worker's WebSocket. */
    public static String webSocketPath(String workerId) {
        return PATH_WEBSOCKET + workerId;
    }

    // ---- Poll query parameters ----
    public static final String QUERY_TIMEOUT = "timeout";
    public static final String QUERY_AVAILABLE_SKILLS = "available_skills";
    public static final String QUERY_HOT_SKILLS = "hot_skills";

    // ---- Task result statuses ----
    public static final String STATUS_SUCCESS = "success";
    public static final String STATUS_FAILURE = "failure";
    public static final String STATUS_CANCELLED = "cancelled";
    /** Coxswain extension: the attempt is handed back (queued again, not counted as a retry). */
    public static final String STATUS_RELEASED = "released";

    // ---- Result answers ----
    public static final String RESULT_ACCEPTED = "accepted";
    public static final String RESULT_IGNORED = "ignored";
    public static final String TRANSITION_SUCCESS = "success_transition";
    public static final String TRANSITION_FAILURE = "failure_handled";
    public static final String TRANSITION_CANCELLED = "cancelled_handled";

    // ---- Reasons of an ignored result (§5.4) ----
    public static final String IGNORED_JOB_NOT_FOUND = "job_not_found";
    public static final String IGNORED_WORKER_MISMATCH = "worker_mismatch";
    public static final String IGNORED_STALE_TASK = "stale_task";
    public static final String IGNORED_DEADLINE_EXCEEDED = "deadline_exceeded";
    public static final String IGNORED_JOB_CANCELLED = "job_cancelled";
    public static final String IGNORED_JOB_ALREADY_TERMINATED = "job_already_terminated";

    // ---- Error codes (§6) ----
    public static final String ERROR_TRANSIENT = "TRANSIENT_ERROR";
    public static final String ERROR_PERMANENT = "PERMANENT_ERROR";
    public static final String ERROR_INVALID_INPUT = "INVALID_INPUT_ERROR";
    public static final String ERROR_INTEGRITY_MISMATCH = "INTEGRITY_MISMATCH_ERROR";
    public static final String ERROR_CONTRACT_VIOLATION = "CONTRACT_VIOLATION_ERROR";
    public static final String ERROR_TIMEOUT = "TIMEOUT_ERROR";
    public static final String ERROR_LATE_RESULT = "LATE_RESULT";
    public static final String ERROR_RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED_ERROR";
    public static final String ERROR_LIMIT_EXCEEDED = "LIMIT_EXCEEDED_ERROR";
    public static final String ERROR_DEPENDENCY_MISSING = "DEPENDENCY_MISSING_ERROR";
    public static final String ERROR_DEPENDENCY = "DEPENDENCY_ERROR";
    public static final String ERROR_SECURITY = "SECURITY_ERROR";
    public static final String ERROR_INTERNAL = "INTERNAL_ERROR";

    /** Failure codes that fail the task at once instead of retrying it (the wire contract). */
    public static final Set<String> NON_RETRYABLE_ERROR_CODES = Set.of(
            ERROR_PERMANENT, ERROR_INVALID_INPUT, ERROR_INTEGRITY_MISMATCH, ERROR_CONTRACT_VIOLATION,
            ERROR_SECURITY);

    // ---- WebSocket commands ----
    public static final String COMMAND_CANCEL_TASK = "cancel_task";

    // ---- Event types ----
    public static final String EVENT_PROGRESS = "progress";
    /** Coxswain extension: payload {@code {"lines":[{"level","message"}]}} becomes task log lines. */
    public static final String EVENT_LOG = "log";
    /** Coxswain extension: payload {@code {"data": <json>}} becomes the task's checkpoint. */
    public static final String EVENT_CHECKPOINT = "checkpoint";

    // ---- Worker statuses in heartbeats ----
    public static final String WORKER_IDLE = "idle";
    public static final String WORKER_BUSY = "busy";
    public static final String WORKER_FULL = "full";
    public static final String WORKER_OFFLINE = "offline";

    // ---- Heartbeat answer keys ----
    public static final String HEARTBEAT_CANCEL_TASK_IDS = "cancel_task_ids";
    public static final String HEARTBEAT_REQUIRE_FULL_SYNC = "require_full_sync";

    // ---- Zero-trust ----
    /** Largest accepted |now - timestamp| of a signed message, in seconds. */
    public static final long TIMESTAMP_WINDOW_SECONDS = 60;
    public static final String FIELD_SECURITY = "security";
    public static final String FIELD_SIGNATURE = "signature";
    public static final String FIELD_SIGNER_ID = "signer_id";
    public static final String FIELD_TIMESTAMP = "timestamp";
    public static final String FIELD_BUBBLING_CHAIN = "bubbling_chain";

    /** Coxswain extension in the registration: caps the tasks the server gives this worker at once. */
    public static final String FIELD_MAX_CONCURRENT_TASKS = "max_concurrent_tasks";
}
