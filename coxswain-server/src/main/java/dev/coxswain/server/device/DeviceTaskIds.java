package dev.coxswain.server.device;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Task ids as the device face takes them: plain positive integers (the product's ids). */
final class DeviceTaskIds {
    /** A batch delete names at most this many tasks (each may stop a running attempt). */
    static final int MAX_BATCH = 1000;

    private DeviceTaskIds() {
    }

    /** The {@code {task_id}} of the path; anything but a positive integer is 40001, not 404. */
    static long fromPath(String raw) {
        if (raw == null || !raw.matches("[0-9]{1,18}")) throw DeviceError.invalid("task_id must be a positive integer");
        long id = Long.parseLong(raw);
        if (id <= 0) throw DeviceError.invalid("task_id must be a positive integer");
        return id;
    }

    /** {@code {"task_ids": [1, 2, 3]}}: 1 to {@link #MAX_BATCH} positive integers, repeats dropped (first kept). */
    static List<Long> batch(JsonNode body) {
        if (body == null || !body.isObject()) throw DeviceError.invalid("the request body must be a JSON object");
        JsonNode ids = body.get("task_ids");
        if (ids == null || ids.isNull()) throw DeviceError.invalid("task_ids is required");
        if (!ids.isArray()) throw DeviceError.invalid("task_ids must be an array of integers");
        if (ids.isEmpty()) throw DeviceError.invalid("task_ids must not be empty");
        if (ids.size() > MAX_BATCH) throw DeviceError.invalid("task_ids may hold at most " + MAX_BATCH + " ids");
        Set<Long> out = new LinkedHashSet<>();
        for (JsonNode n : ids) {
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() <= 0) {
                throw DeviceError.invalid("task_ids must be an array of positive integers");
            }
            out.add(n.asLong());
        }
        return new ArrayList<>(out);
    }
}
