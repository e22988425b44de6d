package dev.coxswain.core.domain;

import java.util.Set;

/** Who is calling: resolved from a credential, with the scopes that say what it may do. */
public record Principal(String name, Set<String> scopes, String tier) {
    public static final String ADMIN = "admin";

    public boolean has(String scope) {
        return scopes.contains(ADMIN) || scopes.contains(scope);
    }
}
