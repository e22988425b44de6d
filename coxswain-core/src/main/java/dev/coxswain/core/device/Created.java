package dev.coxswain.core.device;

import java.util.List;

/** The tasks one request created, in creation order (all committed together). */
public record Created(List<Long> taskIds) {
    public Created {
        taskIds = List.copyOf(taskIds);
    }
}
