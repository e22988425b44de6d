package dev.coxswain.core.device;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A device task as the device face shows it: a native task read through the seed's model.
 *
 * @param status     0 pending (pending or queued), 1 running, 2 completed, 3 failed (failed or cancelled)
 * @param startTime  when its attempt started; the due time while it waits
 * @param endTime    when it finished, or null
 * @param remark     the result text, the error, "stopped", or ""
 * @param taskStatus the native status ({@code queued}, {@code cancelled}, …)
 */
public record DeviceTask(long id, String serial, String scriptName, JsonNode scriptConfig, String username,
                         int status, Instant startTime, Instant endTime, Instant createdAt, String remark,
                         String source, int retryCount, String taskStatus) {
}
