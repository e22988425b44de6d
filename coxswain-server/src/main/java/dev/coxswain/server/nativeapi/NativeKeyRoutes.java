package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.ApiKeyService;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /api/keys}: API key management (admin only). The secret appears once, in the answer to
 * the create; lists and reads show only its first characters ({@code prefix}).
 */
final class NativeKeyRoutes {
    static final String KEY_PREFIX = "key-";

    private final ApiKeyService keys;
    private final Bodies bodies;

    NativeKeyRoutes(ApiKeyService keys, Bodies bodies) {
        this.keys = keys;
        this.bodies = bodies;
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        List<ApiKey> all = keys.list();
        int from = Math.min(all.size(), NativeParams.offset(page, limit));
        List<ApiKey> slice = all.subList(from, Math.min(all.size(), from + limit));
        ObjectNode body = Json.object();
        body.set("data", NativeJson.array(slice.stream().map(NativeKeyRoutes::key).toList()));
        body.putObject("meta").put("page", page).put("limit", limit).put("total", all.size())
                .put("pages", (all.size() + limit - 1) / limit);
        Respond.json(res, 200, body);
    }

    void create(ServerRequest req, ServerResponse res, Principal who) {
        JsonNode b = object(bodies.readJson(req));
        Map<String, String> bad = new LinkedHashMap<>();
        String name = text(b, "name", bad);
        Set<String> scopes = strings(b, "scopes", bad);
        String tier = text(b, "tier", bad);
        String workerId = text(b, "worker_id", bad);
        if (!b.has("name")) bad.put("name", "is required");
        if (!b.has("scopes")) bad.put("scopes", "is required");
        if (!bad.isEmpty()) throw NativeError.validation(bad);
        ApiKeyService.Created c = keys.create(new ApiKeyService.NewKey(name, scopes, tier, workerId));
        ObjectNode k = key(c.key());
        k.put("secret", c.secret());
        Respond.json(res, 201, NativeJson.data(k));
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(key(keys.get(id(req)))));
    }

    void update(ServerRequest req, ServerResponse res, Principal who) {
        long id = id(req);
        JsonNode b = object(bodies.readJson(req));
        Map<String, String> bad = new LinkedHashMap<>();
        String name = text(b, "name", bad);
        Set<String> scopes = b.has("scopes") ? strings(b, "scopes", bad) : null;
        String tier = text(b, "tier", bad);
        Boolean enabled = null;
        if (b.has("enabled")) {
            if (b.get("enabled").isBoolean()) enabled = b.get("enabled").booleanValue();
            else bad.put("enabled", "must be a boolean");
        }
        if (!bad.isEmpty()) throw NativeError.validation(bad);
        ApiKey k = keys.update(id, new ApiKeyService.KeyPatch(name, scopes, tier, enabled));
        Respond.json(res, 200, NativeJson.data(key(k)));
    }

    /** Revokes the key for good (it stays listed, with {@code revoked_at}). */
    void revoke(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(key(keys.revoke(id(req)))));
    }

    static ObjectNode key(ApiKey k) {
        ObjectNode n = Json.object();
        n.put("id", KEY_PREFIX + k.id());
        n.put("name", k.name());
        n.put("prefix", k.prefix());
        n.set("scopes", Json.MAPPER.valueToTree(new TreeSet<>(k.scopes())));
        n.put("tier", k.tier().wire());
        n.put("enabled", k.enabled());
        n.put("worker_id", k.workerId());
        n.put("created_at", NativeJson.time(k.createdAt()));
        n.put("last_used_at", NativeJson.time(k.lastUsedAt()));
        n.put("revoked_at", NativeJson.time(k.revokedAt()));
        return n;
    }

    private static JsonNode object(JsonNode b) {
        if (!b.isObject()) throw NativeError.badRequest("request body must be a JSON object");
        return b;
    }

    private static String text(JsonNode b, String field, Map<String, String> bad) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            bad.put(field, "must be a string");
            return null;
        }
        return v.textValue();
    }

    private static Set<String> strings(JsonNode b, String field, Map<String, String> bad) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) {
            bad.put(field, "must be an array of strings");
            return null;
        }
        Set<String> out = new TreeSet<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                bad.put(field, "must be an array of strings");
                return null;
            }
            out.add(e.textValue());
        }
        return out;
    }

    private static long id(ServerRequest req) {
        String raw = req.path().pathParameters().get("id");
        if (raw != null && raw.startsWith(KEY_PREFIX)) {
            try {
                long id = Long.parseLong(raw.substring(KEY_PREFIX.length()));
                if (id > 0) return id;
            } catch (NumberFormatException e) {
                // falls through to 404
            }
        }
        throw NativeError.notFound("API key " + raw + " not found");
    }
}
