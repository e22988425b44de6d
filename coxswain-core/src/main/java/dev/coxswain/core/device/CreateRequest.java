package dev.coxswain.core.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalTime;
import java.util.List;

/**
 * A request for device tasks, as the device face parsed it (its own defaults applied).
 *
 * @param serials      device mode: the devices (exactly one of {@code serials} and {@code usernames})
 * @param usernames    account mode: the accounts, each run on the device that holds it
 * @param scriptConfig the script's parameters; null is an empty object
 * @param multiAccount device mode only: one task per account of each device
 * @param minInterval  stagger between a device's tasks, seconds (default 1)
 * @param maxInterval  … at most (default 5)
 * @param startTime    today at this time in the configured zone; null or already past = now
 * @param source       {@code "api"} or {@code "ui"}
 */
public record CreateRequest(List<String> serials, List<String> usernames, String scriptName,
                            ObjectNode scriptConfig, boolean multiAccount, int minInterval, int maxInterval,
                            LocalTime startTime, String source) {
}
