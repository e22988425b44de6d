package dev.coxswain.core.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.service.ValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's tasks, in creation order: each slot (device or account) × each of the script's
 * targets, or one task per slot when the script has none. Three follow targets on two devices are
 * six tasks.
 */
final class FanOut {
    /** More than this many tasks in one request is refused: one transaction must stay reasonable. */
    static final int MAX_TASKS = 10_000;

    /** One task to create: where, as whom, for which target (null: none), with its own config. */
    record Planned(String serial, String username, String target, ObjectNode config) {
    }

    private FanOut() {
    }

    static List<Planned> plan(List<Slots.Slot> slots, String script, ObjectNode config) {
        List<String> targets = ScriptTargets.of(script, config);
        // Counted before anything is built: a request naming 10,000 devices and 10,000 targets
        // must be refused, not expanded.
        long count = (long) slots.size() * Math.max(1, targets.size());
        if (count > MAX_TASKS) {
            throw new ValidationException("tasks", "the request would create " + count + " tasks; at most "
                    + MAX_TASKS + " are allowed per request");
        }
        List<Planned> out = new ArrayList<>((int) count);
        for (Slots.Slot s : slots) {
            if (targets.isEmpty()) {
                out.add(new Planned(s.serial(), s.username(), null, ScriptTargets.configFor(script, config, null)));
            } else {
                for (String t : targets) out.add(new Planned(s.serial(), s.username(), t, ScriptTargets.configFor(script, config, t)));
            }
        }
        return out;
    }
}
