package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.schedule.ScheduleService;
import dev.coxswain.core.testing.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schedule pages through real HTTP: every face's schedules listed and filtered, a schedule's
 * next firings (exact, on a clock only the test moves), pause / resume / run now with the owning
 * API's scopes, and the error paths.
 */
class SchedulePagesTest {
    /** A Monday, 09:00 in Berlin. */
    static final Instant T0 = Instant.parse("2030-01-07T08:00:00Z");
    static final MutableClock CLOCK = new MutableClock(T0);

    @TempDir
    static Path dir;
    static UiServer srv;
    static ScheduleService schedules;

    @BeforeAll
    static void start() {
        srv = new UiServer(dir, CLOCK);
        schedules = srv.server.engine().schedules();
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    /** A native schedule of a skill no worker serves: its runs wait, queued, and nothing executes. */
    private static Schedule nativeSchedule(String name, String cron, String tz, JsonNode payload) {
        return schedules.create(new NewSchedule("native", name, "builds the " + name, cron, tz, "report", payload, 5,
                List.of("ops"), 2, "exponential", 120, MisfirePolicy.SKIP, OverlapPolicy.FORBID, false));
    }

    private static Schedule chadburnJob(String name, String cron) {
        return schedules.create(new NewSchedule("chadburn", name, null, cron, "UTC", "shell",
                Json.object().put("command", "echo hi"), 5, List.of(), 0, "fixed:60", 3600, MisfirePolicy.RUN_ONCE,
                OverlapPolicy.FORBID, false));
    }

    private static Schedule shellSchedule(String name) {
        return schedules.create(new NewSchedule("native", name, null, "0 3 * * *", "UTC", "shell",
                Json.object().put("command", "true"), 5, List.of(), 0, "exponential", 60, MisfirePolicy.RUN_ONCE,
                OverlapPolicy.FORBID, false));
    }

    private static String page(Schedule s) {
        return "/ui/schedules/" + s.id();
    }

    @Test
    void theListShowsEverySchedulesKindExpressionStatusAndRuns() {
        Schedule report = nativeSchedule("list-report", "30 9 * * 1-5", "Europe/Berlin", Json.object());
        Schedule job = chadburnJob("list-backup", "@every 10m");
        Schedule paused = nativeSchedule("list-paused", "0 0 * * *", "UTC", Json.object());
        schedules.pause(paused.id());
        long ran = schedules.runNow(report.id()).id();
        UiClient c = srv.admin();

        UiClient.Page all = c.get("/ui/schedules");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body()).contains("list-report", "sch-" + report.id(), "30 9 * * 1-5", "Europe/Berlin", "Schedule")
                .contains("at 09:30 on weekdays (Mon–Fri)")
                .contains("list-backup", "job-" + job.id(), "@every 10m", "every 10 minutes", "Chadburn job")
                .contains("list-paused").contains("href=\"/ui/tasks/task-" + ran + "\"")
                .contains("aria-current=\"page\">Schedules<");
        // The next run is written relative to the clock: 30 minutes from now.
        assertThat(all.body()).contains("datetime=\"2030-01-07T08:30:00Z\"").contains("in 30 min");

        UiClient.Page chadburn = c.get("/ui/schedules?kind=chadburn");
        assertThat(chadburn.body()).contains("list-backup").doesNotContain("list-report");
        UiClient.Page onlyPaused = c.get("/ui/schedules?status=paused");
        assertThat(onlyPaused.body()).contains("list-paused").doesNotContain("list-report").doesNotContain("list-backup");
        assertThat(c.get("/ui/schedules?kind=nope").status()).isEqualTo(400);
        assertThat(c.get("/ui/schedules?status=sleeping").status()).isEqualTo(400);
        assertThat(c.get("/ui/schedules?page=0").status()).isEqualTo(400);
        assertThat(c.get("/ui/schedules?page=x").status()).isEqualTo(400);
    }

    @Test
    void theListIsPaged() {
        // /scheduler analysis tasks: a kind no other test creates, so the count is known.
        for (int i = 0; i < SchedulePages.PAGE_SIZE + 3; i++) {
            schedules.create(new NewSchedule("scheduler", String.format(Locale.ROOT, "paged-%03d", i), null, "0 2 * * *", null,
                    "report", Json.object(), 5, List.of(), 0, "exponential", 60, MisfirePolicy.RUN_ONCE, OverlapPolicy.FORBID, false));
        }
        UiClient c = srv.admin();
        UiClient.Page first = c.get("/ui/schedules?kind=scheduler");
        assertThat(first.body()).contains("paged-000", "paged-049", "Analysis task", "53 schedules").doesNotContain("paged-050")
                .doesNotContain("← Previous").contains("href=\"/ui/schedules?kind=scheduler&amp;page=2\"");
        UiClient.Page last = c.get("/ui/schedules?kind=scheduler&page=2");
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.body()).contains("paged-050", "paged-052", "showing 51–53").doesNotContain("paged-049")
                .contains("← Previous").doesNotContain("Next →");
    }

    @Test
    void aSchedulesPageShowsItsNextFiveFiringsInItsOwnZone() {
        Schedule s = nativeSchedule("berlin-report", "30 9 * * 1-5", "Europe/Berlin",
                Json.read("{\"format\":\"pdf\",\"env\":{\"TOKEN\":\"s3cret-value\"}}"));
        UiClient.Page p = srv.admin().get(page(s));
        assertThat(p.status()).isEqualTo(200);
        String html = p.body();
        // Weekdays at 09:30 Berlin time (UTC+1 in January), from Monday 7 January 2030.
        assertThat(html).contains("Mon 2030-01-07 09:30:00 +01:00", "Tue 2030-01-08 09:30:00 +01:00",
                "Wed 2030-01-09 09:30:00 +01:00", "Thu 2030-01-10 09:30:00 +01:00", "Fri 2030-01-11 09:30:00 +01:00")
                .doesNotContain("2030-01-12 09:30").doesNotContain("2030-01-14 09:30");
        // The same instants as the engine computes them, in the server's zone (UTC here).
        DateTimeFormatter utc = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
        for (Instant t : schedules.preview(s.expression(), s.timezone(), 5)) {
            assertThat(html).contains("datetime=\"" + t + "\">" + utc.format(t) + "<");
        }
        assertThat(html).contains("in 30 min").contains("in 4 d").contains("Server time (UTC)");
        assertThat(html).contains("<code class=\"cron\">30 9 * * 1-5</code> in <strong>Europe/Berlin</strong> — at 09:30 on weekdays (Mon–Fri)");
        // Fields, template and policies.
        assertThat(html).contains("builds the berlin-report", "sch-" + s.id(), "report", "forbid", "skip", "exponential",
                "\"format\" : \"pdf\"").contains("******").doesNotContain("s3cret-value");
        assertThat(html).contains("No runs yet.");
        // The API's own ids reach the same page.
        assertThat(srv.admin().get("/ui/schedules/sch-" + s.id()).status()).isEqualTo(200);
    }

    @Test
    void pauseResumeAndRunNowFromThePage() {
        Schedule s = nativeSchedule("actions-report", "*/5 * * * *", "UTC", Json.object());
        UiClient c = srv.admin();
        UiClient.Page before = c.get(page(s));
        assertThat(before.body()).contains("action=\"" + page(s) + "/pause\"").contains("action=\"" + page(s) + "/run\"")
                .doesNotContain("action=\"" + page(s) + "/resume\"");

        UiClient.Page paused = c.post(page(s) + "/pause", Map.of());
        assertThat(paused.status()).isEqualTo(303);
        assertThat(paused.location()).isEqualTo(page(s));
        assertThat(schedules.get(s.id()).status()).isEqualTo(ScheduleStatus.PAUSED);
        UiClient.Page after = c.get(page(s));
        assertThat(after.body()).contains("Paused schedule 'actions-report'.")
                .contains("action=\"" + page(s) + "/resume\"").doesNotContain("action=\"" + page(s) + "/pause\"")
                .contains("if it were resumed now").contains("2030-01-07 08:05:00");
        // Pausing a paused schedule is a conflict, shown as the dashboard's 409 page.
        UiClient.Page again = c.post(page(s) + "/pause", Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("already paused");

        UiClient.Page resumed = c.post(page(s) + "/resume", Map.of());
        assertThat(resumed.status()).isEqualTo(303);
        assertThat(schedules.get(s.id()).status()).isEqualTo(ScheduleStatus.ACTIVE);
        assertThat(c.get(page(s)).body()).contains("Resumed schedule 'actions-report'; next run 2030-01-07 08:05:00.");
        assertThat(c.post(page(s) + "/resume", Map.of()).status()).isEqualTo(409);

        UiClient.Page ran = c.post(page(s) + "/run", Map.of());
        assertThat(ran.status()).isEqualTo(303);
        List<ScheduleRun> runs = schedules.recentRuns(s.id(), null, 10);
        assertThat(runs).hasSize(1);
        long task = runs.get(0).task().id();
        UiClient.Page history = c.get(page(s));
        assertThat(history.body()).contains("Started task-" + task + " from schedule 'actions-report'.")
                .contains("href=\"/ui/tasks/task-" + task + "\"").contains("manual run");
    }

    @Test
    void aCompletedScheduleCannotBePausedOrResumed() {
        Schedule done = nativeSchedule("done-report", "0 0 0 1 1 * 2029", "UTC", Json.object());
        assertThat(done.status()).isEqualTo(ScheduleStatus.COMPLETED);
        UiClient c = srv.admin();
        UiClient.Page p = c.get(page(done));
        assertThat(p.body()).contains("it will never fire again").doesNotContain("/pause\"").doesNotContain("/resume\"");
        UiClient.Page pause = c.post(page(done) + "/pause", Map.of());
        assertThat(pause.status()).isEqualTo(409);
        assertThat(pause.body()).contains("completed");
        assertThat(c.post(page(done) + "/resume", Map.of()).status()).isEqualTo(409);
    }

    @Test
    void theHistoryIsNewestFirstAndPagedByKeyset() {
        Schedule s = nativeSchedule("history-report", "0 0 * * *", "UTC", Json.object());
        long first = schedules.runNow(s.id()).id();
        for (int i = 1; i < SchedulePages.HISTORY + 5; i++) schedules.runNow(s.id());
        long newest = schedules.recentRuns(s.id(), null, 1).get(0).task().id();
        UiClient c = srv.admin();
        UiClient.Page p = c.get(page(s));
        assertThat(p.body()).contains("task-" + newest + "<").doesNotContain("task-" + first + "<");
        int newestAt = p.body().indexOf("task-" + newest + "<"), nextAt = p.body().indexOf("task-" + (newest - 1) + "<");
        assertThat(newestAt).isLessThan(nextAt);
        String older = between(p.body(), "href=\"" + page(s) + "?before=", "\"");
        UiClient.Page rest = c.get(page(s) + "?before=" + older.replace("#history", ""));
        assertThat(rest.body()).contains("task-" + first + "<").doesNotContain("task-" + newest + "<").doesNotContain("Older →")
                .contains("Newest");
        assertThat(c.get(page(s) + "?before=x").status()).isEqualTo(400);
    }

    @Test
    void aReadOnlyKeySeesNoButtonsAndItsPostsAreRefused() {
        Schedule s = nativeSchedule("readonly-report", "0 * * * *", "UTC", Json.object());
        UiClient c = srv.client();
        c.signIn(srv.key("viewer", Set.of(Scopes.READ)));
        UiClient.Page p = c.get(page(s));
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).contains("readonly-report").doesNotContain("/pause\"").doesNotContain("/resume\"")
                .doesNotContain("/run\"").doesNotContain("Run now");
        assertThat(c.post(page(s) + "/pause", Map.of()).status()).isEqualTo(403);
        assertThat(c.post(page(s) + "/run", Map.of()).status()).isEqualTo(403);
        assertThat(schedules.get(s.id()).status()).isEqualTo(ScheduleStatus.ACTIVE);
        assertThat(schedules.recentRuns(s.id(), null, 1)).isEmpty();
    }

    @Test
    void eachActionNeedsTheScopeItsOwnApiDemands() {
        Schedule job = chadburnJob("scoped-job", "@daily");
        Schedule report = nativeSchedule("scoped-report", "@daily", "UTC", Json.object());
        Schedule shell = shellSchedule("scoped-shell");
        UiClient writer = srv.client();
        writer.signIn(srv.key("writer", Set.of(Scopes.READ, Scopes.TASKS_WRITE)));
        // A Chadburn job is changed with jobs:write (its face's rule), not tasks:write.
        assertThat(writer.get(page(job)).body()).doesNotContain("/pause\"").doesNotContain("/run\"");
        assertThat(writer.post(page(job) + "/pause", Map.of()).status()).isEqualTo(403);
        // A native schedule is paused and run with tasks:write ...
        assertThat(writer.get(page(report)).body()).contains("/pause\"").contains("/run\"");
        // ... but running a shell command takes jobs:write as well.
        assertThat(writer.get(page(shell)).body()).contains("/pause\"").doesNotContain("/run\"");
        assertThat(writer.post(page(shell) + "/run", Map.of()).status()).isEqualTo(403);
        assertThat(schedules.recentRuns(shell.id(), null, 1)).isEmpty();

        UiClient jobs = srv.client();
        jobs.signIn(srv.key("jobs", Set.of(Scopes.READ, Scopes.JOBS_WRITE)));
        assertThat(jobs.get(page(job)).body()).contains("/pause\"").contains("/run\"");
        assertThat(jobs.post(page(job) + "/pause", Map.of()).status()).isEqualTo(303);
        assertThat(schedules.get(job.id()).status()).isEqualTo(ScheduleStatus.PAUSED);
        assertThat(jobs.get(page(report)).body()).doesNotContain("/pause\"");

        UiClient writeOnly = srv.client();
        writeOnly.signIn(srv.key("write-only", Set.of(Scopes.TASKS_WRITE)));
        assertThat(writeOnly.get("/ui/schedules").status()).isEqualTo(403);
        assertThat(writeOnly.get(page(report)).status()).isEqualTo(403);
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefused() {
        Schedule s = nativeSchedule("csrf-report", "0 * * * *", "UTC", Json.object());
        UiClient c = srv.admin();
        c.get(page(s));
        assertThat(c.postRaw(page(s) + "/pause", Map.of(), Map.of()).status()).isEqualTo(403);
        assertThat(c.postRaw(page(s) + "/run", Map.of("_csrf", "forged"), Map.of()).status()).isEqualTo(403);
        assertThat(schedules.get(s.id()).status()).isEqualTo(ScheduleStatus.ACTIVE);
        assertThat(schedules.recentRuns(s.id(), null, 1)).isEmpty();
    }

    @Test
    void unknownSchedulesAre404() {
        UiClient c = srv.admin();
        assertThat(c.get("/ui/schedules/987654").status()).isEqualTo(404);
        assertThat(c.get("/ui/schedules/not-a-schedule").status()).isEqualTo(404);
        assertThat(c.get("/ui/schedules/0").status()).isEqualTo(404);
        c.get("/ui/schedules");
        assertThat(c.post("/ui/schedules/987654/pause", Map.of()).status()).isEqualTo(404);
        assertThat(c.post("/ui/schedules/987654/run", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void aNameWithMarkupIsShownAsText() {
        Schedule s = chadburnJob("<script>alert(1)</script>", "@hourly");
        UiClient c = srv.admin();
        for (String path : new String[] {"/ui/schedules?kind=chadburn", page(s)}) {
            UiClient.Page p = c.get(path);
            assertThat(p.body()).as(path).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
        }
        c.get(page(s));
        c.post(page(s) + "/pause", Map.of());
        UiClient.Page flashed = c.get(page(s));
        assertThat(flashed.body()).contains("Paused Chadburn job '&lt;script&gt;").doesNotContain("<script>alert(1)");
    }

    private static String between(String s, String from, String to) {
        int a = s.indexOf(from);
        assertThat(a).as("'%s' in the page", from).isGreaterThanOrEqualTo(0);
        a += from.length();
        return s.substring(a, s.indexOf(to, a));
    }
}
