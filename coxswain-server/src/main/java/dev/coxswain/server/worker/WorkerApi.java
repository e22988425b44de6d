package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.remote.RemoteWorkers;
import dev.coxswain.core.remote.WorkerTokens;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.StoreUnavailableException;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.BodyTooLargeException;
import dev.coxswain.server.http.MalformedJsonException;
import dev.coxswain.server.http.Respond;
import dev.coxswain.server.http.RouteTable;
import dev.coxswain.server.ratelimit.RateLimiter;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The worker protocol at {@code /_worker} (the orchestrator's, as the Avtomatika worker SDK speaks
 * it): registration, heartbeats, long polls, results, events and the token exchange. Its own
 * error shape ({@code {"error": …}}), its own authentication rule (403, never 401, except for an
 * expired access token), per-worker rate limits, and the {@code X-RXON-Version} header on every
 * answer. The WebSocket at {@code /_worker/ws/{worker_id}} is {@link WorkerSocket}.
 */
public final class WorkerApi {
    private static final Logger LOG = Logger.getLogger(WorkerApi.class.getName());
    public static final String FACE = "worker";
    /** The protocol version this server speaks (rxon's {@code PROTOCOL_VERSION} of the SDK it was checked against). */
    public static final String PROTOCOL_VERSION = "1.0b15";
    static final String VERSION_HEADER = "X-RXON-Version";

    private final RemoteWorkers remote;
    private final WorkerTokens tokens;
    private final WorkerAuth auth;
    private final ZeroTrust zeroTrust;
    private final RateLimiter limiter;
    private final WorkerProtocolConfig cfg;
    private final Bodies bodies;

    public WorkerApi(RemoteWorkers remote, WorkerTokens tokens, dev.coxswain.server.auth.Authenticator authenticator,
                     RateLimiter limiter, WorkerProtocolConfig cfg, Bodies bodies, java.time.Clock clock,
                     SignatureCheck signatures) {
        this.remote = remote;
        this.tokens = tokens;
        this.auth = new WorkerAuth(authenticator, tokens);
        this.zeroTrust = new ZeroTrust(clock, cfg.timestampWindow(), cfg.signatures(), signatures);
        this.limiter = limiter;
        this.cfg = cfg;
        this.bodies = bodies;
    }

    /** What one message type does once authenticated (and, for bodies, checked). */
    @FunctionalInterface
    private interface Step {
        void handle(ServerRequest req, ServerResponse res, WorkerIdentity who, JsonNode body) throws Exception;
    }

    /** The kinds of message, each with its own rate-limit bucket. */
    enum Kind { REGISTER, HEARTBEAT, POLL, RESULT, EVENT, TOKEN, SOCKET }

    public void register(RouteTable routes) {
        RouteTable.Face f = routes.face(FACE);
        var A = RouteTable.Access.AUTHENTICATED;
        f.post("/_worker/workers/register", A, route(Kind.REGISTER, true, this::registerWorker));
        f.add(Method.PATCH, "/_worker/workers/{worker_id}", A, route(Kind.HEARTBEAT, false, this::heartbeat));
        f.get("/_worker/workers/{worker_id}/tasks/next", A, route(Kind.POLL, false, this::poll));
        f.post("/_worker/tasks/result", A, route(Kind.RESULT, true, this::result));
        f.post("/_worker/events", A, route(Kind.EVENT, true, this::event));
        f.post("/_worker/auth/token", A, route(Kind.TOKEN, false, this::token));
        f.post("/_worker/auth/token/refresh", A, this::refresh);
        // A GET without an upgrade (upgrades are admitted by socketGate): 403 on a refused credential, else 400.
        f.get("/_worker/ws/{worker_id}", A, route(Kind.SOCKET, false, (req, res, who, body) -> {
            throw new WorkerError(400, "expected a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket)");
        }));
        f.fallback("/_worker/*", (req, res) -> {
            res.header(VERSION_HEADER, PROTOCOL_VERSION);
            write(res, new WorkerError(404, "Not Found"));
        });
    }

    /** The WebSocket endpoint, one listener per connection (admitted by {@link #socketGate()}). */
    public io.helidon.webserver.websocket.WsRouting.Builder socketRouting(dev.coxswain.core.remote.RemoteChannels channels) {
        return io.helidon.webserver.websocket.WsRouting.builder()
                .endpoint("/_worker/ws/{worker_id}", () -> new WorkerSocket(auth, zeroTrust, remote, channels));
    }

    /**
     * Admits a WebSocket upgrade before the protocol switch: an HTTP filter, which Helidon (4.5)
     * runs ahead of the upgrade. A refused credential gets the protocol's 403 and a worker over
     * its limit a 429, in this face's format; a refusal by the socket listener itself could only
     * be Helidon's bare 400.
     */
    public io.helidon.webserver.http.Filter socketGate() {
        return (chain, req, res) -> {
            String path = req.path().path();
            if (!path.startsWith("/_worker/ws/") || !req.headers().contains(HeaderNames.UPGRADE)) {
                chain.proceed();
                return;
            }
            try {
                String id = path.substring(path.lastIndexOf('/') + 1);
                WorkerIdentity who = authenticate(req, res, header(req, "X-Worker-Token"), id.isEmpty() ? null : id);
                charge(Kind.SOCKET, who.principal().id() + ":" + who.workerId(), res);
            } catch (Exception e) {
                res.header(VERSION_HEADER, PROTOCOL_VERSION);
                fail(req, res, e);
                return;
            }
            chain.proceed();
        };
    }

    // ---- the message types ------------------------------------------------------------------

    private void registerWorker(ServerRequest req, ServerResponse res, WorkerIdentity who, JsonNode body) {
        remote.register(who.workerId(), body);
        Respond.json(res, 200, Json.object().put("status", "registered").put("version", PROTOCOL_VERSION));
    }

    private void heartbeat(ServerRequest req, ServerResponse res, WorkerIdentity who, JsonNode body) {
        RemoteWorkers.HeartbeatAnswer a = remote.heartbeat(who.workerId(), body);
        var n = Json.object().put("status", a.status());
        if (!a.cancelTaskIds().isEmpty()) {
            var ids = n.putArray("cancel_task_ids");
            a.cancelTaskIds().forEach(ids::add);
        }
        if (a.requireFullSync()) n.put("require_full_sync", true);
        Respond.json(res, 200, n);
    }

    private void poll(ServerRequest req, ServerResponse res, WorkerIdentity who, JsonNode body) throws InterruptedException {
        Duration timeout = timeout(req.query().first("timeout").orElse(null));
        Set<String> available = new LinkedHashSet<>();
        for (String s : req.query().first("available_skills").orElse("").split(",")) {
            if (!s.isBlank()) available.add(s.trim());
        }
        Optional<com.fasterxml.jackson.databind.node.ObjectNode> task = remote.poll(who.workerId(), available, timeout);
        if (task.isEmpty()) {
            res.status(Status.NO_CONTENT_204);
            res.send();
            return;
        }
        Respond.json(res, 200, task.get());
    }

    /** The poll's {@code timeout} (seconds, the SDK writes {@code 30.0}); absent = the server's longest. */
    private Duration timeout(String q) {
        if (q == null || q.isBlank()) return cfg.maxPoll();
        double s;
        try {
            s = Double.parseDouble(q.trim());
        } catch (NumberFormatException e) {
            throw new WorkerError(400, "timeout must be a number of seconds");
        }
        if (!Double.isFinite(s) || s < 0) throw new WorkerError(400, "timeout must be a number of seconds");
        return Duration.ofMillis((long) Math.min(s * 1000, cfg.maxPoll().toMillis()));
    }

    private void result(ServerRequest req, ServerResponse res, WorkerIdentity who, JsonNode body) {
        RemoteWorkers.ResultAnswer a = remote.result(who.workerId(), body);
        var n = Json.object().put("status", a.accepted() ? "accepted" : "ignored");
        if (a.accepted()) n.put("transition", a.transitionOrReason());
        else n.put("reason", a.transitionOrReason()).put("message", a.message());
        Respond.json(res, 200, n);
    }

    private void event(ServerRequest req, ServerResponse res, WorkerIdentity who, JsonNode body) {
        RemoteWorkers.EventAnswer a = remote.event(who.workerId(), body);
        Respond.json(res, 200, a.stored() ? Json.object().put("status", "event_accepted")
                : Json.object().put("status", "ignored").put("reason", a.reason()));
    }

    private void token(ServerRequest req, ServerResponse res, WorkerIdentity who, JsonNode body) {
        if (WorkerTokens.looksLikeToken(header(req, "X-Worker-Token"))) {
            throw WorkerError.unauthorized("exchange the worker's own token, not an access token");
        }
        tokenAnswer(res, tokens.issue(who.workerId(), who.principal().id(), who.master()));
    }

    /**
     * A refresh carries the current (perhaps expired) access token; as in the orchestrator only
     * the refresh token and {@code X-Worker-ID} are checked.
     */
    private void refresh(ServerRequest req, ServerResponse res) {
        res.header(VERSION_HEADER, PROTOCOL_VERSION);
        try {
            String id = header(req, "X-Worker-ID");
            if (id == null) throw WorkerError.unauthorized("no worker id: send X-Worker-ID");
            JsonNode body = Bodies.parse(bodies.read(req));
            charge(Kind.TOKEN, "refresh:" + id, res);
            JsonNode rt = body.get("refresh_token");
            if (rt == null || !rt.isTextual()) throw new WorkerError(400, "refresh_token: is required");
            WorkerTokens.Issued issued = tokens.refresh(id, rt.asText());
            if (issued == null) throw WorkerError.unauthorized("invalid or expired refresh token");
            tokenAnswer(res, issued);
        } catch (Exception e) {
            fail(req, res, e);
        }
    }

    private static void tokenAnswer(ServerResponse res, WorkerTokens.Issued t) {
        Respond.json(res, 200, Json.object().put("access_token", t.accessToken()).put("refresh_token", t.refreshToken())
                .put("expires_in", t.expiresInSeconds()).put("worker_id", t.workerId()));
    }

    // ---- the common path --------------------------------------------------------------------

    private Handler route(Kind kind, boolean bodyRequired, Step step) {
        return (req, res) -> {
            res.header(VERSION_HEADER, PROTOCOL_VERSION);
            try {
                byte[] raw = req.prologue().method() == Method.GET ? new byte[0] : bodies.read(req);
                JsonNode body = raw.length == 0 ? null : parse(raw);
                if (body == null && bodyRequired) throw new WorkerError(400, "Invalid JSON body: a JSON object is expected");
                if (body != null && !body.isObject()) throw new WorkerError(400, "Invalid JSON body: a JSON object is expected");
                String hint = req.path().pathParameters().first("worker_id").orElse(null);
                if (hint == null) hint = header(req, "X-Worker-ID");
                if (hint == null && body != null && body.path("worker_id").isTextual()) hint = body.get("worker_id").asText();
                WorkerIdentity who = authenticate(req, res, header(req, "X-Worker-Token"), hint);
                charge(kind, who.principal().id() + ":" + who.workerId(), res);
                if (body != null && body.has("worker_id") && !who.workerId().equals(body.get("worker_id").asText())) {
                    throw new WorkerError(403, "Immediate sender ID mismatch");
                }
                if (body != null && kind != Kind.TOKEN) zeroTrust.check(body, kind == Kind.EVENT, who);
                step.handle(req, res, who, body);
            } catch (Exception e) {
                fail(req, res, e);
            }
        };
    }

    /** Charges a message to the worker's bucket for its kind; over the limit, a 429 with Retry-After. */
    /**
     * Authenticates; a refused credential is charged to the client address's bucket (as on every
     * face), so guessing tokens is throttled: over the limit the answer is a 429, not the 403.
     */
    private WorkerIdentity authenticate(ServerRequest req, ServerResponse res, String token, String hint) {
        try {
            return auth.authenticate(token, hint);
        } catch (WorkerError refused) {
            RateLimiter.Decision d = limiter.forAddress(clientAddress(req));
            if (d != null && !d.allowed()) {
                res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, d.retryAfterSeconds())));
                throw new WorkerError(429, "Too Many Requests", "LIMIT_EXCEEDED_ERROR");
            }
            throw refused;
        }
    }

    private static String clientAddress(ServerRequest req) {
        java.net.SocketAddress a = req.remotePeer().address();
        if (a instanceof java.net.InetSocketAddress in && in.getAddress() != null) return in.getAddress().getHostAddress();
        return String.valueOf(a);
    }

    private void charge(Kind kind, String key, ServerResponse res) {
        int perMinute = switch (kind) {
            case POLL -> cfg.pollPerMinute();
            case HEARTBEAT -> cfg.heartbeatPerMinute();
            default -> cfg.otherPerMinute();
        };
        RateLimiter.Decision d = limiter.forKey("worker:" + kind + ":" + key, perMinute);
        if (d != null && !d.allowed()) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, d.retryAfterSeconds())));
            throw new WorkerError(429, "Too Many Requests", "LIMIT_EXCEEDED_ERROR");
        }
    }

    private static JsonNode parse(byte[] raw) {
        try {
            return Bodies.parse(raw);
        } catch (MalformedJsonException e) {
            throw new WorkerError(400, "Invalid JSON body: " + e.getMessage());
        }
    }

    private static String header(ServerRequest req, String name) {
        return req.headers().first(HeaderNames.create(name)).map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    }

    private void fail(ServerRequest req, ServerResponse res, Exception e) {
        WorkerError err = switch (e) {
            case WorkerError w -> w;
            case ValidationException v -> new WorkerError(400, describe(v));
            case NotFoundException nf -> new WorkerError(404, nf.getMessage());
            case MalformedJsonException m -> new WorkerError(400, "Invalid JSON body: " + m.getMessage());
            case BodyTooLargeException b -> {
                res.header(HeaderNames.CONNECTION, "close");
                yield new WorkerError(413, "Request body too large (at most " + bodies.maxBytes() + " bytes)");
            }
            case InterruptedException ie -> {
                Thread.currentThread().interrupt();
                yield new WorkerError(503, "Server shutting down");
            }
            default -> {
                StoreUnavailableException blip = unavailable(e);
                if (blip != null) {
                    res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, blip.retryAfter().toSeconds())));
                    yield new WorkerError(503, "Store unavailable: " + blip.getMessage());
                }
                LOG.log(Level.SEVERE, "internal error on " + req.prologue().method().text() + " " + req.path().path(), e);
                yield new WorkerError(500, "Internal server error");
            }
        };
        write(res, err);
    }

    private static String describe(ValidationException v) {
        StringJoiner sj = new StringJoiner("; ");
        v.fields().forEach((k, msg) -> sj.add(k + ": " + msg));
        return sj.toString();
    }

    private static StoreUnavailableException unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof StoreUnavailableException u) return u;
        return null;
    }

    static void write(ServerResponse res, WorkerError err) {
        Respond.json(res, err.status(), err.body());
    }
}
