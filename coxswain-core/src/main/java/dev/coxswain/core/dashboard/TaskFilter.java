package dev.coxswain.core.dashboard;

import dev.coxswain.core.domain.TaskStatus;

/**
 * What the task list shows. Null (or blank) fields filter nothing.
 *
 * @param text   a task id ({@code 42} or {@code task-42}) finds that task alone; other text is
 *               looked for, case-insensitively, in task names, among a bounded window of rows
 * @param sort   null means {@link Sort#NEWEST}
 * @param cursor a page's {@code newer} or {@code older} cursor, or null for the first page
 * @param limit  rows per page, 1 to {@value DashboardService#MAX_LIMIT}
 */
public record TaskFilter(TaskStatus status, String type, String tag, String workerId, String text, Sort sort,
                         String cursor, int limit) {
    public TaskFilter {
        type = blankToNull(type);
        tag = blankToNull(tag);
        workerId = blankToNull(workerId);
        text = blankToNull(text);
        cursor = blankToNull(cursor);
        if (sort == null) sort = Sort.NEWEST;
    }

    /** The first page of every task, newest first. */
    public static TaskFilter newest(int limit) {
        return new TaskFilter(null, null, null, null, null, Sort.NEWEST, null, limit);
    }

    /** This filter on the page a cursor points to. */
    public TaskFilter at(String cursor) {
        return new TaskFilter(status, type, tag, workerId, text, sort, cursor, limit);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
