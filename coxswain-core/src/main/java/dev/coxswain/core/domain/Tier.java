package dev.coxswain.core.domain;

import java.util.Locale;

/**
 * A principal's plan, which sets its rate limits (the device-farm seed's Starter/Pro/Team/Business,
 * plus {@code unlimited} for internal and admin use).
 */
public enum Tier {
    STARTER, PRO, TEAM, BUSINESS, UNLIMITED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the tier for a wire name (case-insensitive), or null when there is none */
    public static Tier fromWire(String s) {
        if (s == null) return null;
        for (Tier t : values()) if (t.wire().equalsIgnoreCase(s.trim())) return t;
        return null;
    }
}
