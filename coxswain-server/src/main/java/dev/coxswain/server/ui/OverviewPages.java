package dev.coxswain.server.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.dashboard.DashboardService;
import dev.coxswain.core.dashboard.Overview;
import dev.coxswain.core.dashboard.Period;
import dev.coxswain.core.dashboard.Series;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.node.Engine;
import java.time.Clock;
import java.util.Arrays;

/**
 * The overview: queue depth by priority band, what runs now, workers online, the next schedule
 * firings (a fragment htmx refreshes every few seconds), and throughput and failure-rate charts
 * over the last hour or day (series the page's script draws with uPlot).
 */
public final class OverviewPages {
    /** @param period "hour" or "day": which charts the page shows */
    public record OverviewPage(Chrome chrome, OverviewLive live, String period, UiFormat fmt) {
    }

    /** The part of the page that refreshes itself. */
    public record OverviewLive(Overview o, long workersOnline, long workersOffline, long finished, long failed,
                               String period, UiFormat fmt) {
        public String failureRate() {
            return finished == 0 ? "—" : String.format(java.util.Locale.ROOT, "%.1f %%", 100.0 * failed / finished);
        }
    }

    private final Engine engine;
    private final DashboardService dashboard;
    private final UiFormat fmt;

    OverviewPages(Engine engine, UiFormat fmt, Clock clock) {
        this.engine = engine;
        this.dashboard = engine.dashboard();
        this.fmt = fmt;
    }

    void register(UiRoutes r) {
        r.get("/ui", this::page);
        r.get("/ui/overview/live", this::live);
        r.get("/ui/overview/series", this::series);
    }

    private void page(UiCall call) {
        String period = period(call.query("period"));
        call.page("overview.jte", new OverviewPage(call.chrome("Overview", "overview"), live(period), period, fmt));
    }

    private void live(UiCall call) {
        call.page("overview_live.jte", live(period(call.query("period"))));
    }

    private OverviewLive live(String period) {
        Overview o = dashboard.overview();
        long active = engine.workers().list(WorkerStatus.ACTIVE, 0, 1).total();
        long idle = engine.workers().list(WorkerStatus.IDLE, 0, 1).total();
        long offline = engine.workers().list(WorkerStatus.OFFLINE, 0, 1).total();
        Series s = dashboard.series(period.equals("day") ? Period.DAY : Period.HOUR);
        long completed = Arrays.stream(s.completed()).sum();
        long failed = Arrays.stream(s.failed()).sum();
        return new OverviewLive(o, active + idle, offline, completed + failed, failed, period, fmt);
    }

    /** The chart series as JSON: x in epoch seconds (uPlot's unit), one array per line. */
    private void series(UiCall call) {
        Series s = dashboard.series(period(call.query("period")).equals("day") ? Period.DAY : Period.HOUR);
        ObjectNode out = Json.object();
        ArrayNode x = out.putArray("x"), done = out.putArray("completed"), failed = out.putArray("failed"),
                cancelled = out.putArray("cancelled"), rate = out.putArray("failure_rate");
        long step = s.bucket().toSeconds();
        for (int i = 0; i < s.completed().length; i++) {
            x.add(s.from().getEpochSecond() + i * step);
            done.add(s.completed()[i]);
            failed.add(s.failed()[i]);
            cancelled.add(s.cancelled()[i]);
            long n = s.completed()[i] + s.failed()[i];
            if (n == 0) rate.addNull();
            else rate.add(Math.round(1000.0 * s.failed()[i] / n) / 10.0);
        }
        out.put("bucket_seconds", step);
        call.json(out.toString());
    }

    private static String period(String p) {
        if (p == null || p.equals("hour")) return "hour";
        if (p.equals("day")) return "day";
        throw UiException.badRequest("period must be hour or day");
    }
}
