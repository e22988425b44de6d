package dev.coxswain.worker;

/**
 * The code behind one skill. It runs on its own virtual thread, so blocking is fine.
 *
 * <p>Return the result data: a {@code Map}, a Jackson {@code JsonNode} or any object Jackson can
 * serialise (through the worker's {@code ObjectMapper}); {@code null} sends {@code {}}, and a
 * value that is not a JSON object is sent as {@code {"value": ...}}. Throw a {@link TaskFailure}
 * to fail the task with a chosen error code; any other exception fails it with
 * {@code TRANSIENT_ERROR}, which the server retries under the task's policy. When the task is
 * cancelled (or handed back at shutdown) the handler's thread is interrupted and whatever it
 * returns or throws afterwards is ignored.
 */
@FunctionalInterface
public interface TaskHandler {
    Object handle(TaskContext context) throws Exception;
}
