package dev.coxswain.core.schedule;

import static dev.coxswain.core.schedule.Cron.UTC;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rejection, and that its message says what is wrong. */
class CronErrorsTest {

    private static void rejects(String expression, String... messageParts) {
        assertThatThrownBy(() -> CronExpression.parse(expression, UTC))
                .isInstanceOf(InvalidScheduleException.class)
                .message().contains(messageParts);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\t"})
    void emptyText(String text) {
        rejects(text, "empty");
    }

    @Test
    void nullZoneIsAProgrammingError() {
        assertThatThrownBy(() -> CronExpression.parse("* * * * *", null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @CsvSource({"'* * * *', 4", "'* * * * * * * *', 8", "'*', 1"})
    void wrongFieldCount(String expression, String count) {
        rejects(expression, "expected 5", "but got " + count);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "60 * * * *          | minute field: value 60 is out of range 0-59",
        "0 24 * * *          | hour field: value 24 is out of range 0-23",
        "0 0 32 * *          | day-of-month field: value 32 is out of range 1-31",
        "0 0 0 * *           | day-of-month field: value 0 is out of range 1-31",
        "0 0 * 13 *          | month field: value 13 is out of range 1-12",
        "0 0 * 0 *           | month field: value 0 is out of range 1-12",
        "0 0 * * 8           | day-of-week field: value 8 is out of range 0-7",
        "60 * * * * *        | second field: value 60 is out of range 0-59",
        "0 0 0 1 1 * 1969    | year field: value 1969 is out of range 1970-2199",
        "0 0 0 1 1 * 2026-2200 | year field: value 2200 is out of range 1970-2199",
        "99999999999 * * * * | minute field: value 99999999999 is out of range 0-59",
    })
    void valueOutOfRange(String expression, String message) {
        rejects(expression, message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "*/0 * * * *    | minute field: step 0 in '*/0' is out of range 1-59",
        "*/60 * * * *   | minute field: step 60 in '*/60' is out of range 1-59",
        "0 0 * * */7    | day-of-week field: step 7 in '*/7' is out of range 1-6",
        "*/x * * * *    | minute field: bad step 'x' in '*/x'",
        "*/ * * * *     | minute field: bad step '' in '*/'",
        "*/-1 * * * *   | minute field: bad step '-1'",
        "1-5/2/3 * * * * | minute field: bad step '2/3'",
    })
    void badStep(String expression, String message) {
        rejects(expression, message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0 0 * FOO *    | month field: unknown name 'FOO' (allowed: 1-12 or JAN-DEC)",
        "0 0 * JANUARY * | month field: unknown name 'JANUARY'",
        "0 0 * * FUN    | day-of-week field: unknown name 'FUN' (allowed: 0-7 or SUN-SAT)",
        "0 0 * * 5#3    | day-of-week field: unknown name '5#3'",
        "0 0 L * *      | day-of-month field: unknown value 'L' (allowed: 1-31)",
        "0 MON * * *    | hour field: unknown value 'MON' (allowed: 0-23)",
        "x * * * *      | minute field: unknown value 'x'",
    })
    void unknownNameOrValue(String expression, String message) {
        rejects(expression, message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "30-10 * * * *  | minute field: range '30-10' goes backwards",
        "0 0 * * 5-2    | day-of-week field: range '5-2' goes backwards",
        "-5 * * * *     | minute field: missing value in '-5'",
        "5- * * * *     | minute field: missing value in '5-'",
        "1,,2 * * * *   | minute field: empty element in list '1,,2'",
        "1, * * * *     | minute field: empty element in list '1,'",
        "? * * * *      | minute field: '?' is only allowed in day-of-month and day-of-week",
    })
    void malformedField(String expression, String message) {
        rejects(expression, message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"@reboot", "@fortnightly", "@", "@every1h"})
    void unknownDescriptor(String expression) {
        rejects(expression, "unknown descriptor '" + expression + "'", "@hourly");
    }

    @Test
    void descriptorWithArguments() {
        rejects("@daily 5", "@daily takes no arguments", "'5'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "@every          | @every needs a duration",
        "@every 500ms    | unit 'ms'", 
        "@every 1h500ms  | unit 'ms'",
        "@every 0s       | must be greater than 0",
        "@every 0h0m     | must be greater than 0",
        "@every 0.5s     | shorter than the minimum of 1s",
        "@every 1.5s     | must be a whole number of seconds",
        "@every 10       | missing unit in '10'",
        "@every 1x       | unknown unit 'x'",
        "@every 1d       | unknown unit 'd'",
        "@every -1h      | cannot read duration '-1h'",
        "@every h        | cannot read duration 'h'",
        "@every 1h 30m   | one duration without spaces",
        "@every 9999999999h | too long",
    })
    void badEveryDuration(String expression, String message) {
        rejects(expression, message);
    }

    @Test
    void unknownZoneIsNamed() {
        rejects("CRON_TZ=Mars/Olympus 0 0 * * *", "unknown time zone 'Mars/Olympus'");
        rejects("TZ=Nowhere 0 0 * * *", "unknown time zone 'Nowhere'");
        rejects("TZ= 0 0 * * *", "TZ= needs a time zone");
        rejects("CRON_TZ=UTC", "nothing follows CRON_TZ=UTC");
        rejects("CRON_TZ=UTC   ", "nothing follows CRON_TZ=UTC");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 0 29 2 ? 2027", "0 0 0 30 2 ? 2020-2030"})
    void neverFires(String expression) {
        rejects(expression, "never fires");
    }
}
