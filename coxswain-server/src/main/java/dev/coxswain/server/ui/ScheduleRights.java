package dev.coxswain.server.ui;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.Scopes;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may pause, resume and run a schedule from the dashboard: exactly what the API that owns it
 * demands, so the dashboard opens no door the APIs keep shut. A Chadburn job is changed and run
 * with {@code jobs:write} (ChadburnGuard); every other schedule is paused with {@code tasks:write}
 * (/api/schedules, /scheduler) and run with {@code tasks:write} plus what its task type needs
 * ({@code jobs:write} for shell, {@code sql:custom} for custom_sql: NativeGuard.requireToRun).
 */
final class ScheduleRights {
    static final String CHADBURN = "chadburn";

    private ScheduleRights() {
    }

    static List<String> toPause(Schedule s) {
        return List.of(CHADBURN.equals(s.face()) ? Scopes.JOBS_WRITE : Scopes.TASKS_WRITE);
    }

    static List<String> toRun(Schedule s) {
        if (CHADBURN.equals(s.face())) return List.of(Scopes.JOBS_WRITE);
        List<String> out = new ArrayList<>(List.of(Scopes.TASKS_WRITE));
        String more = Scopes.toRun(s.taskType());
        if (more != null) out.add(more);
        return out;
    }

    static boolean mayPause(Principal who, Schedule s) {
        return toPause(s).stream().allMatch(who::has);
    }

    static boolean mayRun(Principal who, Schedule s) {
        return toRun(s).stream().allMatch(who::has);
    }

    /** Pausing and resuming take the same scope. */
    static void requirePause(UiCall call, Schedule s) {
        toPause(s).forEach(call::require);
    }

    static void requireRun(UiCall call, Schedule s) {
        toRun(s).forEach(call::require);
    }
}
