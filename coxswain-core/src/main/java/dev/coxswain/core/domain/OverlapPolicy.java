package dev.coxswain.core.domain;

import java.util.Locale;

/**
 * What a slot does while the previous run has not finished: {@code forbid} records a skipped
 * run, {@code allow} starts another, {@code replace} cancels the previous one and starts anew.
 */
public enum OverlapPolicy {
    FORBID, ALLOW, REPLACE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OverlapPolicy fromWire(String s) {
        for (OverlapPolicy v : values()) if (v.wire().equals(s)) return v;
        return null;
    }
}
