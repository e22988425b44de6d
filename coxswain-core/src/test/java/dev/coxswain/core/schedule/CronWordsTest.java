package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Schedule expressions in words: fixed cases, and every expression of a random grammar. */
class CronWordsTest {
    final CronWords words = new CronWords();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        * * * * *                      | every minute
        */5 * * * *                    | every 5 minutes
        0/15 * * * *                   | every 15 minutes
        0-59/30 * * * *                | every 30 minutes
        */7 * * * *                    | every 7th minute
        */1 * * * *                    | every minute
        0 * * * *                      | at minute 0 past every hour
        5 * * * *                      | at minute 5 past every hour
        0 */2 * * *                    | at minute 0 past every 2nd hour
        23 0-20/2 * * *                | at minute 23 past every 2nd hour from 0 through 20
        0 9-17 * * *                   | at minute 0 past every hour from 9 through 17
        5,10 * * * *                   | at minutes 5 and 10 past every hour
        10-12 * * * *                  | every minute from 10 through 12 past every hour
        0-29 * * * *                   | every minute from 0 through 29 past every hour
        10-30/10 * * * *               | at minutes 10, 20 and 30 past every hour
        50/5 * * * *                   | at minutes 50 and 55 past every hour
        5/15,7 * * * *                 | at minutes 5, 7, 20, 35 and 50 past every hour
        0,1,2,3,4,5,10,20 * * * *      | at minutes 0 through 5, 10 and 20 past every hour
        30 9 * * 1-5                   | at 09:30 on weekdays (Mon–Fri)
        30 9 * * MON-FRI               | at 09:30 on weekdays (Mon–Fri)
        0 22 * * 1-5                   | at 22:00 on weekdays (Mon–Fri)
        0 0 * * *                      | at 00:00 every day
        0 9,17 * * *                   | at 09:00 and 17:00 every day
        0 9-17/4 * * *                 | at 09:00, 13:00 and 17:00 every day
        0 */6 * * *                    | at 00:00, 06:00, 12:00 and 18:00 every day
        */30 9 * * *                   | at 09:00 and 09:30 every day
        */15 9 * * *                   | every 15 minutes between 09:00 and 09:45
        * 9 * * *                      | every minute between 09:00 and 09:59
        */15 9-17 * * 1-5              | every 15 minutes between 09:00 and 17:45 on weekdays (Mon–Fri)
        0 12 1 * *                     | at 12:00 on day 1 of the month
        0 0 1,15 * *                   | at 00:00 on days 1 and 15 of the month
        0 4 8-14 * *                   | at 04:00 on days 8 through 14 of the month
        0 0 */10 * *                   | at 00:00 on days 1, 11, 21 and 31 of the month
        0 0 */2 * *                    | at 00:00 on every 2nd day of the month
        0 0 5/10 * *                   | at 00:00 on days 5, 15 and 25 of the month
        0 0 1 * ?                      | at 00:00 on day 1 of the month
        0 0 ? * MON                    | at 00:00 on Monday
        0 0 * * 0,6                    | at 00:00 on weekends (Sat–Sun)
        0 0 * * 6,7                    | at 00:00 on weekends (Sat–Sun)
        0 0 * * FRI-SUN                | at 00:00 on Friday through Sunday
        0 0 * * SAT,SUN,MON            | at 00:00 on Saturday through Monday
        0 0 * * 1,3,5                  | at 00:00 on Monday, Wednesday and Friday
        0 0 * * */2                    | at 00:00 on Tuesday, Thursday, Saturday and Sunday
        0 0 * * 0-6                    | at 00:00 every day
        0 0 13 * FRI                   | at 00:00 on day 13 of the month and on Friday
        0 0 1-7 * MON                  | at 00:00 on days 1 through 7 of the month and on Monday
        0 0 1-31 * MON                 | at 00:00 every day
        0 0 22-26/4 * 7/3              | at 00:00 on days 22 and 26 of the month
        0 0 * * 7                      | at 00:00 on Sunday
        0 0 1 * 1-5                    | at 00:00 on day 1 of the month and on weekdays (Mon–Fri)
        0 10,40 */3 * * *              | at minutes 10 and 40 past every 3rd hour
        */5 */2 * * *                  | every 5 minutes past every 2nd hour
        0-29,30-59 * * * *             | every minute
        0 5/2,*/1 * * *                | at minute 0 past every hour
        * * */10 * Sun                 | every minute on days 1, 11, 21 and 31 of the month if it is a Sunday
        0 0 */2 * 1-5                  | at 00:00 on every 2nd day of the month if it is a weekday (Mon–Fri)
        0 0 1 1,7 *                    | at 00:00 on day 1 of the month in January and July
        0 0 1 3-6 *                    | at 00:00 on day 1 of the month from March through June
        0 0 1 */3 *                    | at 00:00 on day 1 of the month in January, April, July and October
        0 0 1 mar,Jun *                | at 00:00 on day 1 of the month in March and June
        0 0 * 1 *                      | at 00:00 every day in January
        5 0 * 8 *                      | at 00:05 every day in August
        0 0 1,15 6 *                   | at 00:00 on 1 and 15 June
        0 0 29 2 *                     | at 00:00 on 29 February
        0 0,12 1 */2 *                 | at 00:00 and 12:00 on day 1 of the month in January, March, May, July, September and November
        * * * * * *                    | every second
        */10 * * * * *                 | every 10 seconds
        0 * * * * *                    | every minute
        0 */5 * * * *                  | every 5 minutes
        30 * * * * *                   | at second 30 past every minute
        30 */5 * * * *                 | at second 30 past every 5th minute
        15 30 9 * * *                  | at 09:30:15 every day
        0,30 30 9 * * *                | at 09:30:00 and 09:30:30 every day
        */10 30 9 * * *                | every 10 seconds between 09:30:00 and 09:30:50
        */10 * 9-17 * * *              | every 10 seconds between 09:00:00 and 17:59:50
        0 0 0 1 1 * 2030               | at 00:00 on 1 January in 2030
        0 0 0 1 1 * 2026-2030          | at 00:00 on 1 January from 2026 through 2030
        0 0 0 1 1 * 2026,2028,2035     | at 00:00 on 1 January in 2026, 2028 and 2035
        0 0 0 1 1 * */2                | at 00:00 on 1 January in every 2nd year
        0 0 0 * * * 2026-2030,2040-2050 | at 00:00 every day in 2026 through 2030 and 2040 through 2050
        0 0 0 1 1 * *                  | at 00:00 on 1 January
        @yearly                        | at 00:00 on 1 January
        @annually                      | at 00:00 on 1 January
        @monthly                       | at 00:00 on day 1 of the month
        @weekly                        | at 00:00 on Sunday
        @daily                         | at 00:00 every day
        @midnight                      | at 00:00 every day
        @hourly                        | at minute 0 past every hour
        @DAILY                         | at 00:00 every day
        @every 1h30m                   | every 1 hour 30 minutes
        @every 1.5h                    | every 1 hour 30 minutes
        @every 1h                      | every hour
        @every 60m                     | every hour
        @every 2h                      | every 2 hours
        @every 36h                     | every 36 hours
        @every 90s                     | every 1 minute 30 seconds
        @every 1s                      | every second
        @every 45s                     | every 45 seconds
        @every 1h0m5s                  | every 1 hour 5 seconds
        CRON_TZ=Europe/Berlin 30 2 * * * | at 02:30 every day (Europe/Berlin time)
        TZ=America/New_York @daily     | at 00:00 every day (America/New_York time)
        CRON_TZ=Europe/Berlin @every 1h | every hour
        '  */5   *  * * *  '           | every 5 minutes
        """)
    void describes(String expression, String expected) {
        assertThat(words.describe(expression)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        0 0 L * *            | cron 0 0 L * *
        nonsense             | cron nonsense
        0 0 30 2 *           | cron 0 0 30 2 *
        0 0 * * SAT-MON      | cron 0 0 * * SAT-MON
        @every 500ms         | cron @every 500ms
        CRON_TZ=Nowhere/City 0 0 * * * | cron CRON_TZ=Nowhere/City 0 0 * * *
        ''                   | cron
        """)
    void whatTheParserRejectsComesBackAsTheRawText(String expression, String expected) {
        assertThat(words.describe(expression)).isEqualTo(expected);
    }

    @Test
    void nullIsNotAnError() {
        assertThat(words.describe(null)).isEqualTo("cron");
    }

    @Test
    void ordinals() {
        assertThat(List.of(1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31, 101, 111).stream().map(CronWords::ordinal))
                .containsExactly("1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
                        "31st", "101st", "111th");
    }

    private static final Pattern CLOCK_TIMES = Pattern.compile("at ((?:\\d\\d:\\d\\d(?::\\d\\d)?(?:, | and )?)+) every day");
    private static final Pattern ONE_TIME = Pattern.compile("\\d\\d:\\d\\d(?::\\d\\d)?");

    /**
     * Thousands of random expressions of the whole grammar: every one the parser accepts is put in
     * words (never the fallback), and whenever the words are "at <times> every day" those are
     * exactly the times it fires on a day.
     */
    @Test
    void everyAcceptedExpressionOfARandomGrammarIsDescribedAndClockTimesAreTrue() {
        SplittableRandom random = new SplittableRandom(13);
        int accepted = 0;
        int checkedTimes = 0;
        for (int i = 0; i < 20_000; i++) {
            String expression = randomExpression(random);
            CronExpression cron;
            try {
                cron = CronExpression.parse(expression, ZoneOffset.UTC);
            } catch (InvalidScheduleException e) {
                continue;
            }
            accepted++;
            String text = words.describe(expression);
            assertThat(text).as(expression).doesNotStartWith("cron").isNotBlank().doesNotContain("  ");
            Matcher clock = CLOCK_TIMES.matcher(text);
            if (clock.matches() && !expression.contains("TZ=")) {
                TreeSet<String> said = new TreeSet<>();
                Matcher one = ONE_TIME.matcher(clock.group(1));
                while (one.find()) said.add(one.group().length() == 5 ? one.group() + ":00" : one.group());
                assertThat(firingsOn(cron, "2031-06-10")).as(expression).isEqualTo(said);
                checkedTimes++;
            }
        }
        assertThat(accepted).isGreaterThan(5_000);
        assertThat(checkedTimes).isGreaterThan(100);
    }

    private static TreeSet<String> firingsOn(CronExpression cron, String day) {
        Instant start = Instant.parse(day + "T00:00:00Z");
        TreeSet<String> times = new TreeSet<>();
        Instant at = start.minusSeconds(1);
        while (true) {
            Instant next = cron.next(at).orElse(null);
            if (next == null || !next.isBefore(start.plusSeconds(86_400))) break;
            times.add(LocalTime.ofSecondOfDay(next.getEpochSecond() - start.getEpochSecond()).toString()
                    .transform(t -> t.length() == 5 ? t + ":00" : t));
            at = next;
        }
        return times;
    }

    private static String randomExpression(SplittableRandom r) {
        int kind = r.nextInt(20);
        if (kind == 0) {
            return List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
                    .get(r.nextInt(7));
        }
        if (kind == 1) {
            StringBuilder d = new StringBuilder("@every ");
            if (r.nextBoolean()) d.append(r.nextInt(100)).append('h');
            if (r.nextBoolean()) d.append(r.nextInt(100)).append('m');
            if (r.nextBoolean()) d.append(r.nextInt(100)).append('s');
            return d.toString();
        }
        List<String> fields = new ArrayList<>();
        int count = kind < 12 ? 5 : kind < 18 ? 6 : 7;
        if (count > 5) fields.add(field(r, 0, 59, List.of()));
        fields.add(field(r, 0, 59, List.of()));
        fields.add(field(r, 0, 23, List.of()));
        fields.add(r.nextInt(8) == 0 ? "?" : field(r, 1, 31, List.of()));
        fields.add(field(r, 1, 12, List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")));
        fields.add(r.nextInt(8) == 0 ? "?" : field(r, 0, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")));
        if (count == 7) fields.add(field(r, 2020, 2060, List.of()));
        String text = String.join(" ", fields);
        return r.nextInt(10) == 0 ? "CRON_TZ=Europe/Berlin " + text : text;
    }

    /** A field biased towards what people write: mostly *, single values and small lists. */
    private static String field(SplittableRandom r, int min, int max, List<String> names) {
        int elements = r.nextInt(10) < 7 ? 1 : 2 + r.nextInt(3);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < elements; i++) {
            int a = min + r.nextInt(max - min + 1);
            int b = a + r.nextInt(max - a + 1);
            int step = 1 + r.nextInt(Math.max(1, (max - min) / 2));
            String av = !names.isEmpty() && r.nextInt(3) == 0 && a - min < names.size() ? names.get(a - min) : Integer.toString(a);
            parts.add(switch (r.nextInt(elements == 1 ? 7 : 5)) {
                case 0 -> av;
                case 1 -> av + "-" + b;
                case 2 -> av + "-" + b + "/" + step;
                case 3 -> av + "/" + step;
                case 4 -> "*/" + step;
                default -> "*";
            });
        }
        return String.join(",", parts);
    }
}
