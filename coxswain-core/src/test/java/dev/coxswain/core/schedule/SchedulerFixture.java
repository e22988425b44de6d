package dev.coxswain.core.schedule;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.exec.ShellExecutor;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.webhook.WebhookSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An engine that is never started: services write, and the test fires slots by calling the
 * firer pass by pass with a settable clock. Runs stay queued (nothing claims them), which is
 * exactly "the previous run has not finished" for the overlap policy.
 */
final class SchedulerFixture {
    final MutableClock clock;
    final Engine engine;

    SchedulerFixture(Database db, Path dir, Instant start, ZoneId zone) {
        this.clock = new MutableClock(start);
        this.engine = new Engine(db, EngineConfig.defaults("worker-sched", "host", "test", dir), List.of(new ShellExecutor()),
                clock, zone, new SplittableRandom(7), EngineObserver.NONE, WebhookSettings.defaults());
    }

    Schedule create(String name, String cron, String tz, MisfirePolicy misfire, OverlapPolicy overlap) {
        return engine.schedules().create(new NewSchedule("native", name, null, cron, tz, "shell",
                Json.object().put("command", "true"), 5, List.of(), 0, "exponential", 60, misfire, overlap, false));
    }

    /** One firer pass at the clock's time. */
    void pass() {
        engine.scheduleFirer().runOnce();
    }

    /** Moves the clock to the schedule's next slot and fires it. */
    Instant fireNext(long id) {
        Instant next = engine.schedules().get(id).nextRunAt();
        clock.set(next);
        pass();
        return next;
    }

    List<ScheduleRun> runs(long id) {
        return engine.schedules().runs(id, null, 0, 1000).items().stream()
                .sorted(Comparator.comparing(r -> r.task().id())).toList();
    }

    List<Instant> slots(long id) {
        return runs(id).stream().filter(r -> !r.skipped()).map(ScheduleRun::slotAt).toList();
    }
}
