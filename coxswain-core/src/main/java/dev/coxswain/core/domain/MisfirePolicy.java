package dev.coxswain.core.domain;

import java.util.Locale;

/**
 * What to do with slots that passed while nothing could fire them (the server was down):
 * {@code run_once} fires one run for all of them, {@code skip} drops them (a slot that is only
 * slightly late still fires), {@code run_all} fires each, up to a bound.
 */
public enum MisfirePolicy {
    RUN_ONCE, SKIP, RUN_ALL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MisfirePolicy fromWire(String s) {
        for (MisfirePolicy v : values()) if (v.wire().equals(s)) return v;
        return null;
    }
}
