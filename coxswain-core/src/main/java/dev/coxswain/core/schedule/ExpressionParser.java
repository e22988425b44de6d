package dev.coxswain.core.schedule;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the whole expression: the optional {@code CRON_TZ=}/{@code TZ=} prefix, then either a
 * descriptor ({@code @daily}, {@code @every 1h}) or 5, 6 or 7 fields, and builds the schedule.
 */
final class ExpressionParser {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** Package-private so {@link CronWords} describes a descriptor by the same fields it stands for. */
    static final Map<String, String> DESCRIPTORS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final CronField[] SIX_FIELDS = {
        CronField.SECOND, CronField.MINUTE, CronField.HOUR,
        CronField.DAY_OF_MONTH, CronField.MONTH, CronField.DAY_OF_WEEK};

    private ExpressionParser() {}

    static CronExpression parse(String text, ZoneId defaultZone) {
        if (defaultZone == null) {
            throw new NullPointerException("defaultZone");
        }
        if (text == null || text.isBlank()) {
            throw invalid("the expression is empty");
        }
        String body = text.strip();
        ZoneId zone = defaultZone;
        String prefix = body.startsWith("CRON_TZ=") ? "CRON_TZ=" : body.startsWith("TZ=") ? "TZ=" : null;
        if (prefix != null) {
            String[] zoneAndRest = WHITESPACE.split(body, 2);
            zone = zone(zoneAndRest[0].substring(prefix.length()), prefix);
            if (zoneAndRest.length < 2) {
                throw invalid("nothing follows " + zoneAndRest[0] + " (expected a schedule after the time zone)");
            }
            body = zoneAndRest[1];
        }
        String[] tokens = WHITESPACE.split(body);
        if (tokens[0].startsWith("@")) {
            return descriptor(text, zone, tokens);
        }
        return new CronExpression(text, zone, tokens.length > 5, fields(tokens, zone));
    }

    private static CronExpression descriptor(String text, ZoneId zone, String[] tokens) {
        String name = tokens[0].toLowerCase(Locale.ROOT);
        if (name.equals("@every")) {
            if (tokens.length != 2) {
                throw invalid(tokens.length < 2
                        ? "@every needs a duration, e.g. '@every 1h30m'"
                        : "@every takes one duration without spaces, e.g. '@every 1h30m'");
            }
            EverySchedule every = new EverySchedule(GoDuration.parse(tokens[1]));
            return new CronExpression(text, zone, every.interval().toSeconds() % 60 != 0, every);
        }
        String fields = DESCRIPTORS.get(name);
        if (fields == null) {
            throw invalid("unknown descriptor '" + tokens[0] + "' (known: @yearly, @annually, @monthly, @weekly, "
                    + "@daily, @midnight, @hourly, @every <duration>)");
        }
        if (tokens.length > 1) {
            throw invalid(tokens[0] + " takes no arguments, but '" + tokens[1] + "' follows it");
        }
        return new CronExpression(text, zone, false, fields(WHITESPACE.split(fields), zone));
    }

    private static ZonedCronSchedule fields(String[] tokens, ZoneId zone) {
        if (tokens.length < 5 || tokens.length > 7) {
            throw invalid("expected 5 fields (minute hour day-of-month month day-of-week), 6 (with seconds first) "
                    + "or 7 (with seconds first and year last), but got " + tokens.length);
        }
        boolean withSeconds = tokens.length > 5;
        int first = withSeconds ? 0 : 1;
        FieldParser.Parsed[] parsed = new FieldParser.Parsed[6];
        parsed[0] = FieldParser.parse(CronField.SECOND, "0"); // 5 fields fire at second 0
        for (int i = first; i < 6; i++) {
            parsed[i] = FieldParser.parse(SIX_FIELDS[i], tokens[i - first]);
        }
        BitSet years = tokens.length == 7 ? FieldParser.parse(CronField.YEAR, tokens[6]).values() : null;
        FieldParser.Parsed dom = parsed[3];
        FieldParser.Parsed dow = parsed[5];
        CalendarPattern pattern = new CalendarPattern(parsed[0].values(), parsed[1].values(), parsed[2].values(),
                dom.values(), parsed[4].values(), dow.values(), dom.starPrefixed() || dow.starPrefixed(), years);
        // The search is bounded, so this answers "does it ever fire?" cheaply. A year field entirely
        // in the past still matches here: such a schedule is valid, merely finished.
        if (pattern.nextMatch(LocalDateTime.of(CronField.YEAR.min, 1, 1, 0, 0)) == null) {
            throw invalid("the expression never fires (no date matches its day-of-month, month"
                    + (years == null ? "" : ", year") + " and day-of-week fields)");
        }
        // Vixie cron's wildcard job: its minute or hour field starts with *. A seconds field is
        // finer still, so one starting with * makes a wildcard job as well ("*/20 30 2 * * *" is
        // every 20 s through 02:30, as "* 2 * * *" is every minute through 02:00).
        boolean wildcardJob = parsed[0].starPrefixed() || parsed[1].starPrefixed() || parsed[2].starPrefixed();
        return new ZonedCronSchedule(pattern, zone, wildcardJob);
    }

    private static ZoneId zone(String name, String prefix) {
        if (name.isEmpty()) {
            throw invalid(prefix + " needs a time zone, e.g. " + prefix + "Europe/Berlin");
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw invalid("unknown time zone '" + name + "'");
        }
    }

    private static InvalidScheduleException invalid(String message) {
        return new InvalidScheduleException(message);
    }
}
