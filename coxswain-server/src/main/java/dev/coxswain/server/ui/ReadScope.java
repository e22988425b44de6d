package dev.coxswain.server.ui;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;

/**
 * What a page that only shows schedules, workers or devices needs: what the native API's GETs of
 * the same data need ({@code read} or {@code tasks:read}; admin holds every scope). A key that
 * may only write, or a worker credential, sees none of it.
 */
final class ReadScope {
    private ReadScope() {
    }

    static boolean allows(Principal who) {
        return who.has(Scopes.READ) || who.has(Scopes.TASKS_READ);
    }

    static void require(UiCall call) {
        if (!allows(call.who())) {
            throw UiException.forbidden("Your key lacks the 'read' or 'tasks:read' scope needed to see this page.");
        }
    }
}
