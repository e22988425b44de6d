package dev.coxswain.server.orchestrator;

import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@code api_version}s the client routes answer under: {@code v1} always, and any other a
 * blueprint's endpoint declares (the original mounts its common routes once per distinct
 * version). A well-formed version nobody declares is an unknown route (the original's 404);
 * anything that is not {@code v<n>} is not this face's path at all.
 */
final class ApiVersions {
    static final String V1 = "v1";
    private static final Pattern WELL_FORMED = Pattern.compile("v[0-9]{1,9}");

    private final Supplier<Set<String>> declared;

    /** @param declared the versions registered blueprints declare (read per request: blueprints come and go) */
    ApiVersions(Supplier<Set<String>> declared) {
        this.declared = declared;
    }

    static boolean wellFormed(String v) {
        return v != null && WELL_FORMED.matcher(v).matches();
    }

    boolean served(String v) {
        return V1.equals(v) || wellFormed(v) && declared.get().contains(v);
    }
}
