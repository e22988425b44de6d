package dev.coxswain.core.device;

import java.util.List;

/** A batch delete: the ids deleted and those that named no device task, each in request order. */
public record BatchDeleted(List<Long> deleted, List<Long> notFound) {
    public BatchDeleted {
        deleted = List.copyOf(deleted);
        notFound = List.copyOf(notFound);
    }
}
