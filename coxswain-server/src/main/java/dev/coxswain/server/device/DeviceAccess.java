package dev.coxswain.server.device;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.server.face.FaceAccess;

/**
 * What the device face's routes need: reading tasks, stats and the licence a read scope;
 * creating, stopping, retrying and deleting tasks {@code tasks:write} (each device task is a
 * native task). The plan is checked apart, per request ({@code DeviceTaskService.checkAccess}).
 */
enum DeviceAccess implements FaceAccess {
    READ, WRITE;

    @Override
    public boolean allows(Principal p) {
        return this == READ ? p.has(Scopes.READ) || p.has(Scopes.TASKS_READ) || p.has(Scopes.TASKS_WRITE)
                : p.has(Scopes.TASKS_WRITE);
    }

    @Override
    public String needs() {
        return this == READ ? "'read', 'tasks:read' or 'tasks:write'" : "'tasks:write'";
    }
}
