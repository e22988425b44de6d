package dev.coxswain.server.ui;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How the dashboard writes times, durations and counts: local time in the server's zone with the
 * zone named, "3 min ago" beside it, counts with thousands separators and "+" when capped.
 */
public final class UiFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private final Clock clock;
    private final ZoneId zone;

    public UiFormat(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The server's zone as people name it: "UTC", not "Z". */
    public String zoneName() {
        return zoneName(zone);
    }

    public static String zoneName(ZoneId z) {
        return z.normalized().equals(java.time.ZoneOffset.UTC) ? "UTC" : z.getId();
    }

    /** A stored zone id as people name it ("Z" and "+00:00" are "UTC"); an unreadable one as stored. */
    public static String zoneName(String id) {
        try {
            return zoneName(ZoneId.of(id));
        } catch (RuntimeException e) {
            return id;
        }
    }

    public Instant now() {
        return clock.instant();
    }

    /** {@code 2026-12-06 11:40:02}, or "—" for none. */
    public String time(Instant t) {
        return t == null ? "—" : TIME.format(t.atZone(zone));
    }

    /** The ISO instant, for {@code <time datetime>}. */
    public String iso(Instant t) {
        return t == null ? "" : t.toString();
    }

    /** "in 3 min", "12 s ago", "just now". */
    public String relative(Instant t) {
        if (t == null) return "";
        Duration d = Duration.between(clock.instant(), t);
        boolean future = !d.isNegative();
        String span = span(d.abs());
        if (span.equals("0 s")) return "just now";
        return future ? "in " + span : span + " ago";
    }

    /** "1 h 5 min", "42 s", "350 ms". */
    public String duration(Duration d) {
        if (d == null) return "—";
        if (d.toMillis() < 1000) return d.toMillis() + " ms";
        return span(d);
    }

    public String duration(Instant from, Instant to) {
        return from == null || to == null ? "—" : duration(Duration.between(from, to));
    }

    private static String span(Duration d) {
        long s = d.toSeconds();
        if (s < 60) return s + " s";
        if (s < 3600) return (s / 60) + " min" + (s % 60 == 0 || s >= 600 ? "" : " " + (s % 60) + " s");
        if (s < 86400) return (s / 3600) + " h" + (s % 3600 / 60 == 0 ? "" : " " + (s % 3600 / 60) + " min");
        return (s / 86400) + " d" + (s % 86400 / 3600 == 0 ? "" : " " + (s % 86400 / 3600) + " h");
    }

    public String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A capped count: "100,000+" when there are more than were counted. */
    public String count(long n, boolean capped) {
        return count(n) + (capped ? "+" : "");
    }

    /** The native API's task id for a store id ({@code task-42}): what users see and search for. */
    public String taskId(long id) {
        return "task-" + id;
    }
}
