package dev.coxswain.core.remote;

/**
 * Task ids on the worker wire. Each attempt gets its own id, {@code task-<n>.<attempt>}, as the
 * orchestrator gives each dispatch a new one: a result or heartbeat that names an older attempt is
 * recognised as stale even when the same worker runs the retry. A plain task is its own job
 * ({@code job_id} {@code task-<n>}).
 */
public final class WireIds {
    private WireIds() {
    }

    /** An attempt of a task; {@code attempt} is -1 when the wire id named the task only. */
    public record Ref(long taskId, int attempt) {
    }

    public static String taskId(long id, int attempt) {
        return "task-" + id + "." + attempt;
    }

    public static String jobId(long id) {
        return "task-" + id;
    }

    /** @return the attempt named, or null when the text is not a Coxswain task id */
    public static Ref parse(String s) {
        if (s == null || !s.startsWith("task-")) return null;
        String rest = s.substring(5);
        int dot = rest.indexOf('.');
        try {
            long id = Long.parseLong(dot < 0 ? rest : rest.substring(0, dot));
            int attempt = dot < 0 ? -1 : Integer.parseInt(rest.substring(dot + 1));
            if (id <= 0 || dot >= 0 && attempt <= 0) return null;
            return new Ref(id, attempt);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
