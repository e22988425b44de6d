package dev.coxswain.core.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/** Short helpers for the schedule tests: instants are written as ISO text in UTC ("...Z"). */
final class Cron {
    static final ZoneId UTC = ZoneId.of("UTC");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId LORD_HOWE = ZoneId.of("Australia/Lord_Howe");
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final ZoneId ATHENS = ZoneId.of("Europe/Athens");

    private Cron() {}

    static Instant at(String iso) {
        return Instant.parse(iso);
    }

    static List<Instant> fires(String expression, ZoneId zone, String after, int n) {
        return CronExpression.parse(expression, zone).next(at(after), n);
    }

    static List<Instant> instants(String... iso) {
        return java.util.Arrays.stream(iso).map(Instant::parse).toList();
    }
}
