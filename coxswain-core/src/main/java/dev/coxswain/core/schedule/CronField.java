package dev.coxswain.core.schedule;

import java.util.List;

/** What each cron field is called in error messages, which values it allows and which names. */
enum CronField {
    SECOND("second", 0, 59, List.of()),
    MINUTE("minute", 0, 59, List.of()),
    HOUR("hour", 0, 23, List.of()),
    DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
    MONTH("month", 1, 12, List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN",
            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    // 7 is accepted as a second spelling of Sunday; FieldParser folds it onto 0.
    DAY_OF_WEEK("day-of-week", 0, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")),
    // The upper bound is also the search horizon: no schedule fires after 2199.
    YEAR("year", 1970, 2199, List.of());

    final String label;
    final int min;
    final int max;
    /** Names in value order starting at {@link #min}; empty when the field takes numbers only. */
    final List<String> names;

    CronField(String label, int min, int max, List<String> names) {
        this.label = label;
        this.min = min;
        this.max = max;
        this.names = names;
    }

    /** The largest value {@code *} stands for: Sunday is 0, so {@code *} in day-of-week is 0-6. */
    int wildcardMax() {
        return this == DAY_OF_WEEK ? 6 : max;
    }

    boolean allowsQuestionMark() {
        return this == DAY_OF_MONTH || this == DAY_OF_WEEK;
    }

    String rangeText() {
        String numbers = min + "-" + max;
        return names.isEmpty() ? numbers : numbers + " or " + names.getFirst() + "-" + names.getLast();
    }
}
