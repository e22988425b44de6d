package dev.coxswain.core.domain;

import java.util.Locale;

/** Level of one task log line; the wire names are the seed's (info, error, warn, debug). */
public enum LogLevel {
    DEBUG, INFO, WARN, ERROR;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the level for a wire name, or null when the name is unknown */
    public static LogLevel fromWire(String s) {
        if (s == null) return null;
        for (LogLevel l : values()) if (l.wire().equals(s.toLowerCase(Locale.ROOT))) return l;
        return null;
    }
}
