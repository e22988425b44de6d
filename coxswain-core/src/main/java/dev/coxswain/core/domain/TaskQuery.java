package dev.coxswain.core.domain;

import java.util.Set;

/**
 * A filtered, sorted page of tasks.
 *
 * @param statuses empty = all
 * @param tag      null = any
 * @param workerId null = any
 * @param sort     a column the store knows how to sort by
 */
public record TaskQuery(Set<TaskStatus> statuses, String tag, String workerId, TaskSort sort,
                        boolean ascending, int offset, int limit) {
}
