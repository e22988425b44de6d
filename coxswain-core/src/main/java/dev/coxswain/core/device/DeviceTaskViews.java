package dev.coxswain.core.device;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads native tasks through the seed's model: its four statuses, its remark, and the script's
 * fields kept in the payload's {@code params}.
 */
public final class DeviceTaskViews {
    public static final int PENDING = 0, RUNNING = 1, COMPLETED = 2, FAILED = 3;
    /** The error a stopped task keeps, so its remark can tell a stop from any other cancel. */
    static final String STOPPED = "stopped";

    private DeviceTaskViews() {
    }

    public static int status(TaskStatus s) {
        return switch (s) {
            case PENDING, QUEUED -> PENDING;
            case RUNNING -> RUNNING;
            case COMPLETED -> COMPLETED;
            case FAILED, CANCELLED -> FAILED;
        };
    }

    /** The native statuses a seed status filter means. */
    public static Set<TaskStatus> statuses(int status) {
        return switch (status) {
            case PENDING -> EnumSet.of(TaskStatus.PENDING, TaskStatus.QUEUED);
            case RUNNING -> EnumSet.of(TaskStatus.RUNNING);
            case COMPLETED -> EnumSet.of(TaskStatus.COMPLETED);
            case FAILED -> EnumSet.of(TaskStatus.FAILED, TaskStatus.CANCELLED);
            default -> throw new IllegalArgumentException("device task status must be 0..3, not " + status);
        };
    }

    /**
     * Completed: the worker's {@code data.remark} when it is a string, else the result as stored
     * (the worker's data as JSON); failed: the error; stopped: "stopped"; anything else "".
     */
    public static String remark(Task t) {
        return switch (t.status()) {
            case COMPLETED -> resultRemark(t.result());
            case FAILED -> t.error() == null ? "" : t.error();
            case CANCELLED -> STOPPED.equals(t.error()) ? STOPPED : "";
            default -> "";
        };
    }

    private static String resultRemark(String result) {
        if (result == null) return "";
        String s = result.trim();
        if (s.startsWith("{")) {
            try {
                JsonNode r = Json.read(s).get("remark");
                if (r != null && r.isTextual()) return r.asText();
            } catch (RuntimeException notJson) {
                // plain text that happens to start with a brace: shown as it is
            }
        }
        return result;
    }

    public static DeviceTask view(Task t) {
        JsonNode params = t.params() == null ? Json.object() : t.params();
        JsonNode req = t.requirements();
        String serial = text(params, "serial");
        if (serial == null && req != null) serial = text(req, "device");
        JsonNode config = params.get("script_config");
        int status = status(t.status());
        // A task waiting (again, after a retry) shows when it is due, not an earlier attempt's start.
        var start = status == PENDING || t.startedAt() == null ? t.runAt() : t.startedAt();
        return new DeviceTask(t.id(), serial, text(params, "script_name") != null ? text(params, "script_name") : t.type(),
                config == null || config.isNull() ? Json.object() : config, text(params, "username"), status, start,
                t.status().terminal() ? t.completedAt() : null, t.createdAt(), remark(t), t.originId(),
                t.retryCount(), t.status().wire());
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || !v.isTextual() ? null : v.asText();
    }
}
