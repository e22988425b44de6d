package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The code behind one script of a {@link DeviceAgent}: runs one device task on one device. The
 * agent calls it on the task's own virtual thread, never twice at once for the same device, so
 * the script may drive the device without locking; blocking is fine.
 *
 * <p>Return the result data as a {@link TaskHandler} does (a {@code Map}, a {@code JsonNode} or
 * any object Jackson can serialise; {@code null} sends {@code {}}). A string member
 * {@code remark} becomes the task's remark in the device API ({@code /api/v1/task}). Throw a
 * {@link TaskFailure} to fail with a chosen code ({@code TaskFailure.permanent(...)} when a retry
 * cannot help, for example the account is banned); any other exception fails the attempt with
 * {@code TRANSIENT_ERROR}, retried under the task's policy. A stop from the server interrupts the
 * thread: blocking calls throw, and {@link DeviceTaskContext#isStopped()} turns true.
 */
@FunctionalInterface
public interface DeviceScript {
    /**
     * @param device       the device the task is for (its {@code params.serial}), as declared now
     * @param scriptConfig the task's {@code params.script_config} ({@code {}} when it has none); a
     *                     copy, free to change
     * @param context      the task's username, stop check, progress and log
     */
    Object run(Device device, JsonNode scriptConfig, DeviceTaskContext context) throws Exception;
}
