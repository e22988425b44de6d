package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.connection.ConnectionService;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.TargetConnection;
import dev.coxswain.server.face.FaceCreates;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/connections}: the PostgreSQL servers users analyse. The password is write-only:
 * accepted on create and update, encrypted at rest, never returned ({@code has_password} says
 * whether one is set). Create, update and test answer {@code warnings} too: what the role may do
 * beyond reading (superuser, server files, signalling other sessions), which every analysis inherits.
 */
final class NativeConnectionRoutes {
    static final String PREFIX = "conn-";

    private final ConnectionService connections;
    private final Bodies bodies;
    private final FaceCreates creates;

    NativeConnectionRoutes(ConnectionService connections, Bodies bodies, FaceCreates creates) {
        this.creates = creates;
        this.connections = connections;
        this.bodies = bodies;
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        Page<TargetConnection> result = connections.list(NativeParams.offset(page, limit), limit);
        Respond.json(res, 200, NativeJson.pageOf(result, NativeConnectionRoutes::connection, page, limit));
    }

    /** Created whether or not the server answers; {@code warnings} name a role that can do more than read. */
    void create(ServerRequest req, ServerResponse res, Principal who) {
        ConnectionService.Spec s = spec(bodies.readJson(req), true);
        // Probed only when the create really runs (not for a replayed Idempotency-Key), and before
        // its write: the probe may take seconds and must not hold the transaction.
        List<List<String>> warnings = new ArrayList<>(1);
        creates.<TargetConnection>respond(req, res, who, then -> {
            warnings.add(connections.privilegeWarnings(s));
            return connections.create(s, "api", then);
        }, c -> FaceCreates.json(201, NativeJson.data(withWarnings(connection(c), warnings.get(0)))));
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(connection(connections.get(id(req)))));
    }

    void update(ServerRequest req, ServerResponse res, Principal who) {
        long id = id(req);
        JsonNode body = bodies.readJson(req);
        if (body.isObject() && body.isEmpty()) throw NativeError.validation(java.util.Map.of("body", "no updatable field given"));
        TargetConnection c = connections.update(id, spec(body, false));
        Respond.json(res, 200, NativeJson.data(withWarnings(connection(c), connections.privilegeWarnings(c.id()))));
    }

    void delete(ServerRequest req, ServerResponse res, Principal who) {
        connections.delete(id(req));
        Respond.json(res, 200, NativeJson.data(Json.object().put("success", true).put("message", "Connection deleted successfully")));
    }

    /** Connects now: 200 either way, with the server version or the exact error. */
    void test(ServerRequest req, ServerResponse res, Principal who) {
        long id = id(req);
        ConnectionService.TestResult r = connections.test(id);
        ObjectNode d = Json.object().put("id", PREFIX + id).put("ok", r.ok()).put("server_version", r.serverVersion())
                .put("error", r.error()).put("duration_ms", r.millis());
        Respond.json(res, 200, NativeJson.data(withWarnings(d, r.warnings())));
    }

    private static ObjectNode withWarnings(ObjectNode n, List<String> warnings) {
        n.set("warnings", Json.MAPPER.valueToTree(warnings));
        return n;
    }

    static ObjectNode connection(TargetConnection c) {
        ObjectNode n = Json.object();
        n.put("id", PREFIX + c.id());
        n.put("name", c.name());
        n.put("host", c.host());
        n.put("port", c.port());
        n.put("database", c.database());
        n.put("user", c.username());
        n.put("has_password", c.hasPassword());
        n.put("sslmode", c.sslmode());
        n.put("environment", c.environment());
        n.set("tags", Json.MAPPER.valueToTree(c.tags()));
        n.put("source", c.source());
        n.put("created_at", NativeJson.time(c.createdAt()));
        n.put("updated_at", NativeJson.time(c.updatedAt()));
        return n;
    }

    private static ConnectionService.Spec spec(JsonNode body, boolean creating) {
        NativeFields r = new NativeFields(body);
        String name = creating || r.has("name") ? r.requiredString("name", 200) : null;
        String host = creating || r.has("host") ? r.requiredString("host", 253) : null;
        Integer port = r.integer("port", 1, 65535);
        String database = creating || r.has("database") ? r.requiredString("database", 63) : null;
        String user = creating || r.has("user") ? r.requiredString("user", 63) : null;
        String password = r.optionalString("password", 1024);
        String sslmode = r.optionalString("sslmode", 20);
        String environment = r.optionalString("environment", 100);
        List<String> tags = r.tags();
        for (String fixed : List.of("id", "has_password", "source")) {
            if (r.has(fixed)) r.error(fixed, "cannot be set");
        }
        r.finish();
        return new ConnectionService.Spec(name, host, port == null && creating ? Integer.valueOf(5432) : port, database, user,
                password, sslmode, environment, tags);
    }

    private static long id(ServerRequest req) {
        return NativeFields.pathId(req, PREFIX, "connection");
    }
}
