package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.ApiKeyService;
import dev.coxswain.core.service.QuotaService;
import dev.coxswain.server.face.FaceCreates;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /api/keys}: API key management (admin only). The secret appears once, in the answer to
 * the create; lists and reads show only its first characters ({@code prefix}). Each key shows its
 * monthly job quota and the jobs it created this month (UTC).
 */
final class NativeKeyRoutes {
    static final String KEY_PREFIX = "key-";
    static final String QUOTA = "monthly_job_quota";

    private final ApiKeyService keys;
    private final QuotaService quotas;
    private final Bodies bodies;
    private final FaceCreates creates;

    NativeKeyRoutes(ApiKeyService keys, QuotaService quotas, Bodies bodies, FaceCreates creates) {
        this.creates = creates;
        this.keys = keys;
        this.quotas = quotas;
        this.bodies = bodies;
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        List<ApiKey> all = keys.list();
        int from = Math.min(all.size(), NativeParams.offset(page, limit));
        List<ApiKey> slice = all.subList(from, Math.min(all.size(), from + limit));
        ObjectNode body = Json.object();
        body.set("data", NativeJson.array(slice.stream().map(this::key).toList()));
        body.putObject("meta").put("page", page).put("limit", limit).put("total", all.size())
                .put("pages", (all.size() + limit - 1) / limit);
        Respond.json(res, 200, body);
    }

    void create(ServerRequest req, ServerResponse res, Principal who) {
        NativeFields b = new NativeFields(bodies.readJson(req));
        String name = b.requiredString("name", 100);
        Set<String> scopes = b.strings("scopes", 50);
        if (scopes == null && !b.errors.containsKey("scopes")) b.error("scopes", "is required");
        String tier = b.optionalString("tier", 20);
        String workerId = b.optionalString("worker_id", 200);
        Integer quota = b.integer(QUOTA, 0, Integer.MAX_VALUE);
        b.finish();
        creates.<ApiKeyService.Created>respond(req, res, who,
                then -> keys.create(new ApiKeyService.NewKey(name, scopes, tier, workerId, quota), then),
                c -> {
                    ObjectNode k = key(c.key());
                    k.put("secret", c.secret());
                    return FaceCreates.jsonShowingOnce(201, NativeJson.data(k), k, "secret");
                });
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(key(keys.get(id(req)))));
    }

    void update(ServerRequest req, ServerResponse res, Principal who) {
        long id = id(req);
        NativeFields b = new NativeFields(bodies.readJson(req));
        String name = b.optionalString("name", 100);
        Set<String> scopes = b.strings("scopes", 50);
        String tier = b.optionalString("tier", 20);
        Boolean enabled = b.bool("enabled");
        // Left out: unchanged; null: unlimited (unlike the other fields, null is a value here).
        Optional<Integer> quota = b.has(QUOTA) ? Optional.ofNullable(b.integer(QUOTA, 0, Integer.MAX_VALUE)) : null;
        b.finish();
        ApiKey k = keys.update(id, new ApiKeyService.KeyPatch(name, scopes, tier, enabled, quota), who.id());
        Respond.json(res, 200, NativeJson.data(key(k)));
    }

    /**
     * Revokes the key for good (it stays listed, with {@code revoked_at}). Like disabling, refused
     * with 409 for the caller's own key and for the last enabled admin key.
     */
    void revoke(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(key(keys.revoke(id(req), who.id()))));
    }

    ObjectNode key(ApiKey k) {
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
        QuotaService.Usage u = quotas.usage(k);
        if (u.quota() == null) n.putNull(QUOTA);
        else n.put(QUOTA, u.quota());
        n.put("monthly_jobs_used", u.used());
        return n;
    }

    private static long id(ServerRequest req) {
        return NativeFields.pathId(req, KEY_PREFIX, "API key");
    }
}
