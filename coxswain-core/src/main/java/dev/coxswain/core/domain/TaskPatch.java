package dev.coxswain.core.domain;

import java.time.Instant;
import java.util.List;

/**
 * A partial update: null means "leave unchanged". {@code scheduledAt} needs its own flag because
 * an explicit null ("run as soon as possible") is a real change.
 */
public record TaskPatch(String name, String description, Integer priority, Integer maxRetries,
                        boolean scheduledAtSet, Instant scheduledAt, Integer timeoutSeconds,
                        List<String> tags, List<Long> dependencies) {
    public boolean empty() {
        return name == null && description == null && priority == null && maxRetries == null
                && !scheduledAtSet && timeoutSeconds == null && tags == null && dependencies == null;
    }
}
