package dev.coxswain.core.schedule;

import java.time.LocalDateTime;
import java.time.Year;
import java.util.BitSet;

/**
 * The calendar side of a cron expression, with no time zone: which local date-times match, and
 * the first match at or after a given local date-time.
 *
 * <p>Each field is a bit mask (bit n set = value n matches), so the search jumps from field to
 * field with {@link Long#numberOfTrailingZeros} instead of stepping minute by minute: a month is
 * checked in one mask operation, a day in at most a few. It is bounded by {@link #MAX_YEAR}, so a
 * combination that can never match ends the search instead of hanging it. Immutable and
 * allocation-free apart from the result.
 */
final class CalendarPattern {
    static final int MAX_YEAR = CronField.YEAR.max;
    private static final int[] SAKAMOTO = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};

    private final long seconds;
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    /** Null when the expression has no year field: every year matches. */
    private final BitSet years;
    /**
     * For each weekday of the 1st of a month (0 = Sunday), the days of that month (bits 1-31)
     * whose weekday is in the day-of-week field; precomputed so a month costs one lookup.
     */
    private final long[] weekdayDaysByFirstWeekday = new long[7];
    /** Vixie rule: unless either day field starts with *, a day matches if either one does. */
    private final boolean eitherDayField;
    private final int firstTimeOfDay;

    /**
     * @param daysAnded a day matches only when both day fields do (Vixie cron: when either field
     *                  starts with {@code *}); otherwise when either does
     */
    CalendarPattern(BitSet seconds, BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months,
                    BitSet daysOfWeek, boolean daysAnded, BitSet years) {
        this.seconds = mask(seconds);
        this.minutes = mask(minutes);
        this.hours = mask(hours);
        this.daysOfMonth = mask(daysOfMonth);
        this.months = mask(months);
        this.years = years;
        long weekdays = mask(daysOfWeek);
        for (int first = 0; first < 7; first++) {
            for (int day = 1; day <= 31; day++) {
                if ((weekdays & (1L << ((first + day - 1) % 7))) != 0) {
                    weekdayDaysByFirstWeekday[first] |= 1L << day;
                }
            }
        }
        this.eitherDayField = !daysAnded;
        this.firstTimeOfDay = nextTimeOfDay(0);
    }

    /** The first matching local date-time at or after {@code from} (whole seconds), or null. */
    LocalDateTime nextMatch(LocalDateTime from) {
        int year = from.getYear();
        int month = from.getMonthValue();
        int day = from.getDayOfMonth();
        int date = nextDate(year, month, day);
        if (date < 0) {
            return null;
        }
        int time = firstTimeOfDay;
        if (date == packDate(year, month, day)) {
            time = nextTimeOfDay(from.getHour() * 3600 + from.getMinute() * 60 + from.getSecond());
            if (time < 0) {
                date = nextDate(year, month, day + 1);
                if (date < 0) {
                    return null;
                }
                time = firstTimeOfDay;
            }
        }
        return LocalDateTime.of(date >> 9, (date >> 5) & 15, date & 31, time / 3600, time / 60 % 60, time % 60);
    }

    /** The first matching date at or after year/month/day (day may be past the month's end), packed. */
    private int nextDate(int year, int month, int day) {
        while (year <= MAX_YEAR) {
            if (years != null) {
                int matchingYear = years.nextSetBit(Math.max(year, CronField.YEAR.min));
                if (matchingYear < 0) {
                    return -1;
                }
                if (matchingYear != year) {
                    year = matchingYear;
                    month = 1;
                    day = 1;
                }
            }
            int matchingMonth = nextBit(months, month);
            if (matchingMonth < 0) {
                year++;
                month = 1;
                day = 1;
                continue;
            }
            if (matchingMonth != month) {
                month = matchingMonth;
                day = 1;
            }
            int length = lengthOfMonth(year, month);
            if (day <= length) {
                long candidates = daysMatching(year, month) & (-1L << day) & ((1L << (length + 1)) - 1);
                if (candidates != 0) {
                    return packDate(year, month, Long.numberOfTrailingZeros(candidates));
                }
            }
            day = 1;
            if (++month > 12) {
                month = 1;
                year++;
            }
        }
        return -1;
    }

    private long daysMatching(int year, int month) {
        long weekdayDays = weekdayDaysByFirstWeekday[dayOfWeek(year, month, 1)];
        // A plain * has all bits set, so AND leaves the other field deciding alone.
        return eitherDayField ? daysOfMonth | weekdayDays : daysOfMonth & weekdayDays;
    }

    /** The first matching second of the day at or after {@code secondOfDay}, or -1. */
    private int nextTimeOfDay(int secondOfDay) {
        int fromHour = secondOfDay / 3600;
        int fromMinute = secondOfDay / 60 % 60;
        int fromSecond = secondOfDay % 60;
        for (int h = nextBit(hours, fromHour); h >= 0; h = nextBit(hours, h + 1)) {
            boolean sameHour = h == fromHour;
            for (int m = nextBit(minutes, sameHour ? fromMinute : 0); m >= 0; m = nextBit(minutes, m + 1)) {
                int s = nextBit(seconds, sameHour && m == fromMinute ? fromSecond : 0);
                if (s >= 0) {
                    return h * 3600 + m * 60 + s;
                }
            }
        }
        return -1;
    }

    private static int nextBit(long mask, int from) {
        if (from > 63) {
            return -1;
        }
        long rest = mask & (-1L << from);
        return rest == 0 ? -1 : Long.numberOfTrailingZeros(rest);
    }

    private static long mask(BitSet values) {
        return values.isEmpty() ? 0 : values.toLongArray()[0];
    }

    private static int packDate(int year, int month, int day) {
        return year << 9 | month << 5 | day;
    }

    private static int lengthOfMonth(int year, int month) {
        return month == 2 ? (Year.isLeap(year) ? 29 : 28) : 30 + ((month + (month >> 3)) & 1);
    }

    /** 0 = Sunday; Sakamoto's method, so no LocalDate is built per month. */
    static int dayOfWeek(int year, int month, int day) {
        int y = month < 3 ? year - 1 : year;
        return Math.floorMod(y + Math.floorDiv(y, 4) - Math.floorDiv(y, 100) + Math.floorDiv(y, 400)
                + SAKAMOTO[month - 1] + day, 7);
    }
}
