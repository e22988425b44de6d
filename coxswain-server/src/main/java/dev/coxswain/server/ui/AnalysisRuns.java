package dev.coxswain.server.ui;

import dev.coxswain.core.dashboard.DashboardService;
import dev.coxswain.core.dashboard.Sort;
import dev.coxswain.core.dashboard.TaskFilter;
import dev.coxswain.core.dashboard.TaskSlice;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.pganalysis.AnalysisExecutor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The recent runs of the analysis task types. One type is a keyset page of the task list filtered
 * by that type (served by the (type, created_at) index), with its cursors. Every type at once is
 * the newest page of each type merged: a handful of short indexed reads rather than one query that
 * no index serves in order; paging further needs a type.
 */
final class AnalysisRuns {
    static final int LIMIT = 25;

    /** One page of one type's tasks, newest first, with the cursors of the neighbouring pages. */
    record Slice(List<Task> rows, String older, String newer) {
    }

    private final DashboardService dashboard;

    AnalysisRuns(DashboardService dashboard) {
        this.dashboard = dashboard;
    }

    private Slice page(String type, String cursor) {
        TaskSlice s = dashboard.tasks(new TaskFilter(null, type, null, null, null, Sort.NEWEST, cursor, LIMIT));
        return new Slice(s.rows(), s.older(), s.newer());
    }

    /** @param type one analysis type, or null for all of them (then {@code cursor} must be null) */
    Slice slice(String type, String cursor) {
        if (type != null) return page(type, cursor);
        if (cursor != null) throw UiException.badRequest("Choose an analysis type to page through older runs.");
        List<Task> all = new ArrayList<>();
        for (String t : AnalysisExecutor.TYPES) all.addAll(page(t, null).rows());
        all.sort(Comparator.comparing(Task::createdAt).thenComparingLong(Task::id).reversed());
        return new Slice(all.size() > LIMIT ? List.copyOf(all.subList(0, LIMIT)) : all, null, null);
    }
}
