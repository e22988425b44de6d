package dev.coxswain.server.ui;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import java.util.ArrayList;
import java.util.List;

/**
 * What the layout around every page needs: title, the section to highlight, who is signed in and
 * what they may do (so read-only sessions see no button that changes anything), the CSRF token
 * for forms, and a one-shot message.
 *
 * @param section the nav entry to mark current ("overview", "tasks", …)
 * @param flash   a message from the previous request (after a redirect), or null
 */
public record Chrome(String title, String section, Principal who, String csrf, String flash, String version) {
    public record NavItem(String href, String label, String section) {
    }

    public String whoName() {
        return who.name();
    }

    public boolean can(String scope) {
        return who.has(scope);
    }

    public boolean admin() {
        return who.has(Scopes.ADMIN);
    }

    /** May create, cancel and retry tasks (and pause schedules). */
    public boolean canWrite() {
        return who.has(Scopes.TASKS_WRITE);
    }

    public List<NavItem> nav() {
        List<NavItem> n = new ArrayList<>(List.of(
                new NavItem("/ui", "Overview", "overview"),
                new NavItem("/ui/tasks", "Tasks", "tasks"),
                new NavItem("/ui/schedules", "Schedules", "schedules"),
                new NavItem("/ui/workers", "Workers", "workers"),
                new NavItem("/ui/devices", "Devices", "devices"),
                new NavItem("/ui/workflows", "Workflows", "workflows"),
                new NavItem("/ui/connections", "Analysis", "connections")));
        if (admin()) {
            n.add(new NavItem("/ui/keys", "API keys", "keys"));
            n.add(new NavItem("/ui/webhooks", "Webhooks", "webhooks"));
        }
        return n;
    }
}
