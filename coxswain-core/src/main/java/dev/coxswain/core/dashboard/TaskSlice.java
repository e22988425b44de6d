package dev.coxswain.core.dashboard;

import dev.coxswain.core.domain.Task;
import java.util.List;

/**
 * One page of the task list, in the filter's order (dependencies are not read: the list shows none).
 *
 * @param newer    cursor of the page before this one (towards the top of the list), or null at the top
 * @param older    cursor of the page after this one (further down the list), or null at the end
 * @param windowed the text (or a second filter) was looked for in a bounded window of rows, and
 *                 the window ended before the page filled: {@code older} continues the search
 *                 past the window (and, on a page reached through {@code newer}, {@code newer}
 *                 continues it the other way)
 */
public record TaskSlice(List<Task> rows, String newer, String older, boolean windowed) {
    public TaskSlice {
        rows = List.copyOf(rows);
    }
}
