package dev.coxswain.core.schedule;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * A schedule expression in plain English, for people reading the dashboard: {@code *}{@code /5 * * * *}
 * is "every 5 minutes", {@code 30 9 * * 1-5} is "at 09:30 on weekdays (Mon–Fri)", {@code @daily}
 * is "at 00:00 every day", {@code @every 1h30m} is "every 1 hour 30 minutes". Stateless and
 * thread-safe.
 *
 * <p>The words follow what {@link CronExpression} fires, not just the text: day-of-month and
 * day-of-week are joined with "and" or "if it is" by the same Vixie rule the evaluator uses,
 * {@code 7} and {@code FRI-SUN} are Sunday, month and weekday sets are named from the values they
 * match. Times are wall-clock times in the schedule's zone; a {@code CRON_TZ=} prefix is named at
 * the end ("(Europe/Berlin time)"). Daylight-saving details are left to the docs: a sentence
 * cannot carry them and the next-firings list shows them.
 *
 * <p>It never throws. An expression the parser rejects, or a case these rules read wrongly (a bug),
 * comes back as {@code "cron <expression>"}: the raw text is still true, a wrong sentence would not be.
 */
public final class CronWords {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String[] MONTHS = {"", "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    /** Up to this many firings a day are listed as clock times ("at 09:00, 12:00 and 17:00"). */
    private static final int MAX_LISTED_TIMES = 6;
    /** A stepped list element matching at most this many values is named by its values. */
    private static final int MAX_EXPANDED_STEP = 4;
    /** Years in more runs than this are described by the field's elements instead of listed. */
    private static final int MAX_LISTED_YEARS = 6;

    /** Plain English for {@code expression}; {@code "cron <expression>"} when it cannot be read. */
    public String describe(String expression) {
        try {
            // Only what the evaluator accepts is described; the zone does not change the words.
            CronExpression.parse(expression, ZoneOffset.UTC);
            return words(expression.strip());
        } catch (RuntimeException e) {
            return fallback(expression);
        }
    }

    private static String fallback(String expression) {
        return ("cron " + (expression == null ? "" : expression.strip())).strip();
    }

    private static String words(String body) {
        String zone = "";
        String prefix = body.startsWith("CRON_TZ=") ? "CRON_TZ=" : body.startsWith("TZ=") ? "TZ=" : null;
        if (prefix != null) {
            String[] zoneAndRest = WHITESPACE.split(body, 2);
            zone = " (" + zoneAndRest[0].substring(prefix.length()) + " time)";
            body = zoneAndRest[1];
        }
        String[] tokens = WHITESPACE.split(body);
        if (tokens[0].startsWith("@")) {
            String name = tokens[0].toLowerCase(Locale.ROOT);
            if (name.equals("@every")) {
                // Elapsed time: the zone plays no part, so it is not named.
                return "every " + duration(GoDuration.parse(tokens[1]));
            }
            tokens = WHITESPACE.split(ExpressionParser.DESCRIPTORS.get(name));
        }
        return fields(tokens) + zone;
    }

    // ---- the fields -----------------------------------------------------------------------------

    private static String fields(String[] tokens) {
        boolean withSeconds = tokens.length > 5;
        int at = withSeconds ? 1 : 0;
        Field second = withSeconds ? new Field(CronField.SECOND, tokens[0]) : null;
        Field minute = new Field(CronField.MINUTE, tokens[at]);
        Field hour = new Field(CronField.HOUR, tokens[at + 1]);
        Field dom = new Field(CronField.DAY_OF_MONTH, tokens[at + 2]);
        Field month = new Field(CronField.MONTH, tokens[at + 3]);
        Field dow = new Field(CronField.DAY_OF_WEEK, tokens[at + 4]);
        Field year = tokens.length == 7 ? new Field(CronField.YEAR, tokens[6]) : null;

        Time time = time(second, minute, hour);
        StringBuilder out = new StringBuilder(time.words());
        boolean monthSaid = false;
        String days;
        // Vixie rule, as CalendarPattern applies it: a day field starting with * (or ?) makes a day
        // match both fields, otherwise either one.
        if (dom.starPrefixed || dow.starPrefixed) {
            if (dom.all() && dow.all()) {
                days = "";
            } else if (dom.all()) {
                days = weekdays(dow);
            } else if (dow.all()) {
                if (month.values.cardinality() == 1 && dom.values.cardinality() <= 3 && dom.singlesOnly()) {
                    // "on 1 January" rather than "on day 1 of the month in January".
                    days = "on " + join(list(dom.values, Integer::toString), "and") + " "
                            + MONTHS[month.values.nextSetBit(0)];
                    monthSaid = true;
                } else {
                    days = monthDays(dom);
                }
            } else {
                days = monthDays(dom) + " if it is " + weekdayCondition(dow);
            }
        } else if (dow.values.isEmpty()) {
            // "7/3" is accepted but matches no weekday (Sunday is 0, and 7/3 starts past Saturday).
            days = dom.all() ? "" : monthDays(dom);
        } else {
            days = dom.all() || dow.all() ? "" : monthDays(dom) + " and " + weekdays(dow);
        }
        if (!days.isEmpty()) {
            out.append(' ').append(days);
        } else if (time.atClockTimes()) {
            out.append(" every day");
        }
        if (!monthSaid && !month.all()) {
            out.append(' ').append(months(month));
        }
        if (year != null && !year.all()) {
            out.append(' ').append(years(year));
        }
        return out.toString();
    }

    /** The time-of-day part; {@code atClockTimes} when it is a short list of clock times. */
    private record Time(String words, boolean atClockTimes) {}

    private static Time time(Field second, Field minute, Field hour) {
        // Second 0 is what a 5-field expression means: it need not be said.
        Field s = second == null || (second.values.cardinality() == 1 && second.values.get(0)) ? null : second;
        long count = (long) (s == null ? 1 : s.values.cardinality()) * minute.values.cardinality()
                * hour.values.cardinality();
        // A few times read best as clock times; a longer steady stretch reads best as one
        // ("every 15 minutes between 09:00 and 09:45", not four times).
        String window = window(s, minute, hour);
        if (count <= MAX_LISTED_TIMES && (count <= 3 || window == null)) {
            List<String> times = new ArrayList<>();
            BitSet seconds = s == null ? BitSet.valueOf(new long[] {1}) : s.values;
            for (int h : list(hour.values)) {
                for (int m : list(minute.values)) {
                    for (int sec : list(seconds)) {
                        times.add(s == null ? clock(h, m) : clock(h, m, sec));
                    }
                }
            }
            return new Time("at " + join(times, "and"), true);
        }
        if (window != null) {
            return new Time(window, false);
        }
        List<Field> fineToCoarse = s == null ? List.of(minute, hour) : List.of(s, minute, hour);
        StringBuilder words = new StringBuilder(phrase(fineToCoarse.get(0), true));
        for (int i = 1; i < fineToCoarse.size(); i++) {
            Field coarser = fineToCoarse.get(i);
            // "every 5 minutes" already runs through every hour; "at minute 5" does not.
            if (coarser.all() && fineToCoarse.get(i - 1).every() != null) {
                continue;
            }
            words.append(" past ").append(phrase(coarser, false));
        }
        return new Time(words.toString(), false);
    }

    /**
     * "every 5 minutes between 09:00 and 17:55": the finest field steps through its whole range
     * within one unbroken stretch of the coarser ones. Null when the schedule is not like that.
     */
    private static String window(Field s, Field minute, Field hour) {
        if (hour.all() || !hour.contiguous()) {
            return null;
        }
        if (s == null) {
            Item every = minute.every();
            if (every == null) {
                return null;
            }
            return leadingEvery(minute, every) + " between " + clock(hour.first(), minute.first())
                    + " and " + clock(hour.last(), minute.last());
        }
        Item every = s.every();
        boolean oneStretch = minute.all() || (hour.values.cardinality() == 1 && minute.contiguous());
        if (every == null || !oneStretch) {
            return null;
        }
        return leadingEvery(s, every) + " between " + clock(hour.first(), minute.first(), s.first())
                + " and " + clock(hour.last(), minute.last(), s.last());
    }

    /**
     * A second, minute, hour or year field: leading ("at minute 5", "every 5 minutes") or after
     * "past" ("every 2nd hour", "hours 9 and 17").
     */
    private static String phrase(Field f, boolean leading) {
        String unit = f.kind.label;
        Item every = f.every();
        if (every != null) {
            if (leading) {
                return leadingEvery(f, every);
            }
            return every.step() == 1 ? "every " + unit : "every " + ordinal(every.step()) + " " + unit;
        }
        List<String> chunks = new ArrayList<>();
        BitSet singles = new BitSet();
        for (Item item : f.items) {
            if (item.single() || item.stepped() && item.count() <= MAX_EXPANDED_STEP) {
                item.addTo(singles);
            } else {
                chunks.add(range(f, item, unit));
            }
        }
        if (!singles.isEmpty()) {
            String numbers = numbers(singles, Integer::toString);
            chunks.addFirst((singles.cardinality() == 1 ? unit : unit + "s") + " " + numbers);
        }
        String joined = join(chunks, "and");
        return leading && !singles.isEmpty() ? "at " + joined : joined;
    }

    private static String leadingEvery(Field f, Item every) {
        String unit = f.kind.label;
        int span = f.kind.wildcardMax() - f.kind.min + 1;
        if (every.step() == 1) {
            return "every " + unit;
        }
        // */5 of 60 is truly every 5 minutes; */7 restarts at the hour (…, 49, 56, 0), so it is the 7th.
        return span % every.step() == 0 ? "every " + every.step() + " " + unit + "s"
                : "every " + ordinal(every.step()) + " " + unit;
    }

    private static String range(Field f, Item item, String unit) {
        String every = item.step() == 1 ? "every " + unit : "every " + ordinal(item.step()) + " " + unit;
        boolean whole = item.low() == f.kind.min && item.high() >= f.kind.wildcardMax();
        return whole ? every : every + " from " + item.low() + " through " + Math.min(item.high(), f.kind.wildcardMax());
    }

    private static String monthDays(Field dom) {
        List<String> chunks = new ArrayList<>();
        BitSet singles = new BitSet();
        for (Item item : dom.items) {
            if (item.single() || item.stepped() && item.count() <= MAX_EXPANDED_STEP) {
                item.addTo(singles);
            } else if (item.low() == CronField.DAY_OF_MONTH.min && item.high() == CronField.DAY_OF_MONTH.max) {
                chunks.add("every " + ordinal(item.step()) + " day");
            } else if (item.step() == 1) {
                chunks.add("days " + item.low() + " through " + item.high());
            } else {
                chunks.add("every " + ordinal(item.step()) + " day from " + item.low() + " through " + item.high());
            }
        }
        if (!singles.isEmpty()) {
            chunks.addFirst((singles.cardinality() == 1 ? "day " : "days ") + numbers(singles, Integer::toString));
        }
        return "on " + join(chunks, "and") + " of the month";
    }

    private static String weekdays(Field dow) {
        BitSet v = dow.values;
        if (v.equals(range(1, 5))) {
            return "on weekdays (Mon–Fri)";
        }
        if (v.equals(weekend())) {
            return "on weekends (Sat–Sun)";
        }
        int start = runStart(v);
        if (start >= 0 && v.cardinality() >= 3) {
            return "on " + DAYS[start] + " through " + DAYS[(start + v.cardinality() - 1) % 7];
        }
        return "on " + join(mondayFirst(v), "and");
    }

    /** How a weekday set reads after "if it is": "a weekday (Mon–Fri)", "a Monday or Friday". */
    private static String weekdayCondition(Field dow) {
        if (dow.values.equals(range(1, 5))) {
            return "a weekday (Mon–Fri)";
        }
        return "a " + join(mondayFirst(dow.values), "or");
    }

    private static String months(Field month) {
        BitSet v = month.values;
        if (v.cardinality() >= 3 && v.nextClearBit(month.first()) > month.last()) {
            return "from " + MONTHS[month.first()] + " through " + MONTHS[month.last()];
        }
        return "in " + join(list(v, i -> MONTHS[i]), "and");
    }

    private static String years(Field year) {
        BitSet v = year.values;
        if (v.cardinality() == 1) {
            return "in " + year.first();
        }
        if (year.contiguous()) {
            return "from " + year.first() + " through " + year.last();
        }
        if (runs(v) <= MAX_LISTED_YEARS) {
            return "in " + numbers(v, Integer::toString);
        }
        return "in " + phrase(year, false);
    }

    private static int runs(BitSet values) {
        int runs = 0;
        for (int v = values.nextSetBit(0); v >= 0; v = values.nextSetBit(values.nextClearBit(v))) runs++;
        return runs;
    }

    private static String duration(Duration d) {
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        int seconds = d.toSecondsPart();
        List<String> parts = new ArrayList<>();
        if (hours > 0) parts.add(count(hours, "hour"));
        if (minutes > 0) parts.add(count(minutes, "minute"));
        if (seconds > 0) parts.add(count(seconds, "second"));
        if (parts.size() == 1 && parts.getFirst().startsWith("1 ")) {
            return parts.getFirst().substring(2); // "every hour", not "every 1 hour"
        }
        return String.join(" ", parts);
    }

    // ---- small text helpers -----------------------------------------------------------------------

    private static String count(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    static String ordinal(int n) {
        int lastTwo = n % 100;
        String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th"
                : switch (n % 10) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
        return n + suffix;
    }

    private static String clock(int h, int m) {
        return String.format(Locale.ROOT, "%02d:%02d", h, m);
    }

    private static String clock(int h, int m, int s) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d", h, m, s);
    }

    /** "a", "a and b", "a, b and c". */
    private static String join(List<String> items, String conjunction) {
        if (items.size() == 1) {
            return items.getFirst();
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " " + conjunction + " " + items.getLast();
    }

    /** The values, runs of three or more as "a through b": "0 through 5, 10 and 20". */
    private static String numbers(BitSet values, IntFunction<String> name) {
        List<String> parts = new ArrayList<>();
        for (int v = values.nextSetBit(0); v >= 0; ) {
            int end = values.nextClearBit(v) - 1;
            if (end - v >= 2) {
                parts.add(name.apply(v) + " through " + name.apply(end));
            } else {
                for (int i = v; i <= end; i++) parts.add(name.apply(i));
            }
            v = values.nextSetBit(end + 1);
        }
        return join(parts, "and");
    }

    private static List<Integer> list(BitSet values) {
        return values.stream().boxed().toList();
    }

    private static List<String> list(BitSet values, IntFunction<String> name) {
        return values.stream().mapToObj(name).toList();
    }

    private static List<String> mondayFirst(BitSet days) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            if (days.get(i % 7)) names.add(DAYS[i % 7]);
        }
        return names;
    }

    /** The first day of the only unbroken run of weekdays (cyclically, Saturday–Monday is one), or -1. */
    private static int runStart(BitSet days) {
        int start = -1;
        for (int d = 0; d < 7; d++) {
            if (days.get(d) && !days.get((d + 6) % 7)) {
                if (start >= 0) return -1;
                start = d;
            }
        }
        return start;
    }

    private static BitSet range(int from, int to) {
        BitSet b = new BitSet();
        b.set(from, to + 1);
        return b;
    }

    private static BitSet weekend() {
        BitSet b = new BitSet();
        b.set(0);
        b.set(6);
        return b;
    }

    // ---- one field, read again for its shape ----------------------------------------------------

    /**
     * One list element: {@code *} or {@code ?} ({@code star}), a value, {@code a-b}, each with an
     * optional step; {@code a/n} runs to the end of the range. The expression was accepted by
     * {@link FieldParser}, so this only has to read it, not check it.
     */
    private record Item(boolean star, int low, int high, int step) {
        boolean single() {
            return low == high;
        }

        boolean stepped() {
            return step > 1;
        }

        int count() {
            return (high - low) / step + 1;
        }

        void addTo(BitSet values) {
            for (int v = low; v <= high; v += step) values.set(v);
        }
    }

    private static final class Field {
        final CronField kind;
        final BitSet values;
        final boolean starPrefixed;
        final List<Item> items = new ArrayList<>();

        Field(CronField kind, String text) {
            this.kind = kind;
            FieldParser.Parsed parsed = FieldParser.parse(kind, text);
            this.values = parsed.values();
            this.starPrefixed = parsed.starPrefixed();
            for (String element : text.split(",")) {
                items.add(item(element));
            }
        }

        private Item item(String text) {
            int slash = text.indexOf('/');
            String range = slash < 0 ? text : text.substring(0, slash);
            int step = slash < 0 ? 1 : Integer.parseInt(text.substring(slash + 1));
            if (range.equals("*") || range.equals("?")) {
                return new Item(true, kind.min, kind.wildcardMax(), step);
            }
            int dash = range.indexOf('-');
            if (dash >= 0) {
                return new Item(false, value(range.substring(0, dash)), value(range.substring(dash + 1)), step);
            }
            int low = value(range);
            return new Item(false, low, slash < 0 ? low : kind.wildcardMax(), step);
        }

        private int value(String text) {
            int index = kind.names.indexOf(text.toUpperCase(Locale.ROOT));
            return index >= 0 ? kind.min + index : Integer.parseInt(text);
        }

        /** Every value of the range matches. */
        boolean all() {
            return values.cardinality() == kind.wildcardMax() - kind.min + 1;
        }

        /**
         * The single element stepping through the whole range ({@code *}, {@code *}{@code /n},
         * {@code 0/n}), or a plain {@code *} for any field matching every value; else null.
         */
        Item every() {
            if (all()) {
                return new Item(true, kind.min, kind.wildcardMax(), 1); // also "*/1" or "0-29,30-59"
            }
            if (items.size() != 1) {
                return null;
            }
            Item only = items.getFirst();
            return only.low() == kind.min && only.high() == kind.wildcardMax() ? only : null;
        }

        boolean singlesOnly() {
            return items.stream().allMatch(Item::single);
        }

        boolean contiguous() {
            return values.nextClearBit(first()) > last();
        }

        int first() {
            return values.nextSetBit(0);
        }

        int last() {
            return values.length() - 1;
        }
    }
}
