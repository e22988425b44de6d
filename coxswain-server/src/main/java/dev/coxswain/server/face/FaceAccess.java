package dev.coxswain.server.face;

import dev.coxswain.core.domain.Principal;

/** What a route of a face needs from the caller; each face defines its own levels (an enum). */
public interface FaceAccess {
    boolean allows(Principal p);

    /** The scope(s) it needs, quoted, for the face's 403 message: {@code 'jobs:write'}. */
    String needs();
}
