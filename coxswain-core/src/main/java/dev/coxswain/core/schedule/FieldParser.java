package dev.coxswain.core.schedule;

import java.util.BitSet;
import java.util.Locale;

/**
 * Turns the text of one cron field ({@code *}, {@code 5}, {@code 1-5}, {@code *}{@code /15},
 * {@code 10-50/10}, {@code 5/15}, {@code MON-FRI}, comma lists of these) into the set of values it
 * matches. Every rejection names the field and the value, because the message goes back to the
 * person who wrote the expression.
 */
final class FieldParser {

    /**
     * @param values       the matching values (day-of-week already folded to 0-6)
     * @param starPrefixed the field text starts with {@code *} ({@code *}, {@code *}{@code /n},
     *                     {@code *,5}) or with {@code ?}, which stands for {@code *}. Vixie cron decides
     *                     by this first character alone: a day field like that makes the two day
     *                     fields ANDed, and a second, minute or hour field like that makes a
     *                     wildcard job, which follows the wall clock through daylight-saving changes
     */
    record Parsed(BitSet values, boolean starPrefixed) {}

    private FieldParser() {}

    static Parsed parse(CronField field, String text) {
        BitSet values = new BitSet();
        for (String item : text.split(",", -1)) {
            if (item.isEmpty()) {
                throw invalid(field, "empty element in list '" + text + "'");
            }
            parseItem(field, item, values);
        }
        if (field == CronField.DAY_OF_WEEK && values.get(7)) {
            values.clear(7);
            values.set(0);
        }
        return new Parsed(values, text.startsWith("*") || text.startsWith("?"));
    }

    /** Adds the values of one list element. */
    private static void parseItem(CronField field, String item, BitSet values) {
        int slash = item.indexOf('/');
        String range = slash < 0 ? item : item.substring(0, slash);
        int step = slash < 0 ? 1 : parseStep(field, item.substring(slash + 1), item);
        int low;
        int high;
        boolean wildcard = range.equals("*") || range.equals("?");
        if (wildcard) {
            if (range.equals("?") && !field.allowsQuestionMark()) {
                throw invalid(field, "'?' is only allowed in day-of-month and day-of-week");
            }
            low = field.min;
            high = field.wildcardMax();
        } else {
            int dash = range.indexOf('-');
            if (dash >= 0) {
                low = parseValue(field, range.substring(0, dash), item);
                high = parseValue(field, range.substring(dash + 1), item);
                // FRI-SUN reads naturally; SUN is 0, so take it as 7 at the end of a range.
                if (field == CronField.DAY_OF_WEEK && high == 0 && low > 0) {
                    high = 7;
                }
                if (low > high) {
                    throw invalid(field, "range '" + item + "' goes backwards (" + low + " > " + high + ")");
                }
            } else {
                low = parseValue(field, range, item);
                // "5/15" means from 5 to the end of the range in steps of 15.
                high = slash < 0 ? low : field.wildcardMax();
            }
        }
        for (int v = low; v <= high; v += step) {
            values.set(v);
        }
    }

    private static int parseStep(CronField field, String text, String item) {
        int step = digitsOrMinus(text);
        if (step < 0) {
            throw invalid(field, "bad step '" + text + "' in '" + item + "' (expected a whole number of at least 1)");
        }
        int largest = field.wildcardMax() - field.min;
        if (step < 1 || step > largest) {
            throw invalid(field, "step " + step + " in '" + item + "' is out of range 1-" + largest);
        }
        return step;
    }

    private static int parseValue(CronField field, String text, String item) {
        if (text.isEmpty()) {
            throw invalid(field, "missing value in '" + item + "' (allowed: " + field.rangeText() + ")");
        }
        int number = digitsOrMinus(text);
        if (number >= 0) {
            if (number < field.min || number > field.max) {
                throw invalid(field, "value " + text + " is out of range " + field.min + "-" + field.max);
            }
            return number;
        }
        int index = field.names.indexOf(text.toUpperCase(Locale.ROOT));
        if (index >= 0) {
            return field.min + index;
        }
        String what = field.names.isEmpty() ? "value" : "name";
        throw invalid(field, "unknown " + what + " '" + text + "' (allowed: " + field.rangeText() + ")");
    }

    /** The value of an all-digit string (capped, so huge numbers read as out of range), else -1. */
    private static int digitsOrMinus(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = Math.min(value * 10 + (c - '0'), Integer.MAX_VALUE);
        }
        return (int) value;
    }

    private static InvalidScheduleException invalid(CronField field, String problem) {
        return new InvalidScheduleException(field.label + " field: " + problem);
    }
}
