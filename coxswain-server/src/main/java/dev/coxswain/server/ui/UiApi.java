package dev.coxswain.server.ui;

import dev.coxswain.core.connection.ConnectionService;
import dev.coxswain.core.dashboard.TaskHistory;
import dev.coxswain.core.node.Engine;
import dev.coxswain.server.auth.Authenticator;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.RouteTable;
import dev.coxswain.server.ratelimit.RateLimiter;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import java.time.Clock;
import java.time.ZoneId;

/**
 * The dashboard: server-rendered pages at {@code /ui/…} (and {@code /} sends a browser there),
 * signed in with an API key or a JWT, over the same engine services the API faces use. Its own
 * error format is an HTML page; its routes are listed in the route table as the "ui" face's pages.
 */
public final class UiApi implements AutoCloseable {
    public static final String FACE = "ui";
    /** Live streams (task logs) open at once; each holds a thread and polls the store. */
    static final int MAX_STREAMS = 256;

    private final Engine engine;
    private final ConnectionService connections;
    private final Authenticator auth;
    private final RateLimiter limiter;
    private final Bodies bodies;
    private final boolean jwtEnabled;
    private final String version;
    private final Clock clock;
    private final ZoneId zone;
    private final UiStreams streams = new UiStreams(MAX_STREAMS);

    public UiApi(Engine engine, ConnectionService connections, Authenticator auth, RateLimiter limiter, Bodies bodies,
                 boolean jwtEnabled, String version, Clock clock, ZoneId zone) {
        this.engine = engine;
        this.connections = connections;
        this.auth = auth;
        this.limiter = limiter;
        this.bodies = bodies;
        this.jwtEnabled = jwtEnabled;
        this.version = version;
        this.clock = clock;
        this.zone = zone;
    }

    public void register(RouteTable table) {
        UiTemplates templates = new UiTemplates();
        UiErrors errors = new UiErrors(templates, version);
        UiGuard guard = new UiGuard(engine.sessions(), limiter, bodies, templates, errors, version);
        RouteTable.Face face = table.face(FACE).pages();
        UiRoutes r = new UiRoutes(face, guard);
        UiStatic files = new UiStatic();
        r.open(Method.GET, "/ui/static/{file...}", files::serve);
        face.add(Method.GET, "/", RouteTable.Access.OPEN, (req, res) -> {
            res.status(Status.SEE_OTHER_303);
            res.header(HeaderNames.LOCATION, "/ui");
            res.send();
        });
        new SignInRoutes(engine.sessions(), auth, limiter, bodies, templates, errors, jwtEnabled, version).register(r);
        UiFormat fmt = new UiFormat(clock, zone);
        // page groups
        new OverviewPages(engine, fmt, clock).register(r);
        new TaskPages(engine.tasks(), engine.dashboard(), new TaskHistory(engine.database()), streams, fmt).register(r);
        new SchedulePages(engine.schedules(), fmt).register(r);
        new WorkerPages(engine.workers(), engine.devices(), engine.localWorker().types(), fmt).register(r);
        new DevicePages(engine.devices(), fmt).register(r);
        new KeyPages(engine.apiKeys(), fmt).register(r);
        new WebhookPages(engine.webhooks(), fmt).register(r);
        new AnalysisPages(engine.tasks(), connections, new AnalysisRuns(engine.dashboard()), fmt).register(r);
        new WorkflowPages(engine.workflows(), new GraphSvg(), fmt).register(r);
        // The dashboard's own 404 for any other /ui path, in its own format.
        face.fallback("/ui/*", guard.guard(call -> {
            throw UiException.notFound("The page " + call.req().path().path());
        }));
    }

    /** Ends the open live streams (the server is stopping): their loops return instead of polling on. */
    @Override
    public void close() {
        streams.close();
    }
}
