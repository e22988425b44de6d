package dev.coxswain.core.device;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Which scripts a device task may run: the configured ones ({@link DeviceSettings#scripts}) and
 * every skill an online device worker declares, so a farm that adds a script to its workers needs
 * no server change. The seed lists some scripts as "coming soon" through its API; they get the
 * seed's own wording when nobody offers them.
 */
public final class ScriptRules {
    static final List<String> COMING_SOON = List.of("like", "message", "super_marketing", "profile", "scrape_user");

    private final Set<String> configured;

    public ScriptRules(Collection<String> configured) {
        this.configured = Set.copyOf(configured);
    }

    public boolean supported(String script, Set<String> deviceSkills) {
        return configured.contains(script) || deviceSkills.contains(script);
    }

    /** Throws {@link ScriptNotSupportedException} unless the script is supported. */
    public void check(String script, Set<String> deviceSkills) {
        if (supported(script, deviceSkills)) return;
        String message = COMING_SOON.contains(script)
                ? "Script '" + script + "' is not supported via API yet"
                : "Script '" + script + "' is not supported via API";
        throw new ScriptNotSupportedException(script, message);
    }
}
