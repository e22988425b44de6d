package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.service.ValidationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The native API's reading of a task create body, for another part of this server that creates
 * tasks from its own input (the dashboard's form): the same defaults, bounds and field rules as
 * {@code POST /api/tasks}, so a task made in the browser is one the API would have accepted.
 * Problems come out as the core's {@link ValidationException} (field → problem), not in the
 * native error format, so the caller shows them its own way.
 */
public final class NativeTaskBodies {
    private NativeTaskBodies() {
    }

    /** The task type the body asks for ({@code shell} when absent): which scope running it needs. */
    public static String type(JsonNode body) {
        return NativeTaskRequest.type(body);
    }

    /** @throws ValidationException listing every field problem, as the API's 422 would */
    public static NewTask create(JsonNode body) {
        try {
            return NativeTaskRequest.create(body);
        } catch (NativeError e) {
            Map<String, String> fields = new LinkedHashMap<>();
            if (e.details != null) e.details.forEach((k, v) -> fields.put(k, String.valueOf(v)));
            if (fields.isEmpty()) fields.put("body", e.getMessage());
            throw new ValidationException(fields);
        }
    }
}
