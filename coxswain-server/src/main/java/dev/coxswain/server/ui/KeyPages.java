package dev.coxswain.server.ui;

import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.service.ApiKeyService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /ui/keys}: API keys, for admins only (as {@code /api/keys}). The secret of a new key is
 * in the answer to the create form and nowhere else: not in a redirect, a flash cookie or a log,
 * so reloading the list never shows it again. Revoking and disabling follow the same rules as the
 * API (not one's own key, never the last admin key), enforced by {@link ApiKeyService}.
 */
public final class KeyPages {
    /** Keys are few; a store with more than this many shows the newest and says so. */
    static final int MAX_ROWS = 500;
    private static final Pattern ID = Pattern.compile("key-([0-9]{1,18})");

    /** One key as the list shows it. {@code self}: the key this session signed in with. */
    public record KeyRow(String id, String name, String prefix, List<String> scopes, String tier, boolean enabled,
                         boolean revoked, String workerId, String created, String createdIso, String lastUsed,
                         String lastUsedIso, String revokedAt, String quota, boolean self) {
        public String state() {
            return revoked ? "revoked" : enabled ? "enabled" : "disabled";
        }

        public String badge() {
            return revoked ? "bad" : enabled ? "ok" : "idle";
        }
    }

    public record KeysPage(Chrome chrome, List<KeyRow> keys, int total, List<String> scopes, List<String> tiers) {
        public boolean capped() {
            return total > keys.size();
        }
    }

    /** The answer to the create form: the only place the secret is ever shown. */
    public record CreatedPage(Chrome chrome, KeyRow key, String secret) {
    }

    private final ApiKeyService keys;
    private final UiFormat fmt;

    KeyPages(ApiKeyService keys, UiFormat fmt) {
        this.keys = keys;
        this.fmt = fmt;
    }

    public void register(UiRoutes r) {
        r.get("/ui/keys", this::list);
        r.post("/ui/keys", this::create);
        r.post("/ui/keys/{id}/revoke", this::revoke);
        r.post("/ui/keys/{id}/enable", call -> enable(call, true));
        r.post("/ui/keys/{id}/disable", call -> enable(call, false));
    }

    private void list(UiCall call) {
        call.require(Scopes.ADMIN);
        List<ApiKey> all = keys.list();
        // Newest first: the key just made or just used is what an admin looks for.
        List<KeyRow> rows = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && rows.size() < MAX_ROWS; i--) rows.add(row(all.get(i), call));
        call.page("keys_list.jte", new KeysPage(call.chrome("API keys", "keys"), rows, all.size(),
                List.copyOf(new TreeSet<>(Scopes.ALL)), tiers()));
    }

    private void create(UiCall call) {
        call.require(Scopes.ADMIN);
        UiForm f = call.form();
        Set<String> scopes = new TreeSet<>(f.all("scopes"));
        String quota = f.get("monthly_job_quota");
        Integer q = null;
        if (quota != null) {
            try {
                q = Integer.valueOf(quota);
            } catch (NumberFormatException e) {
                throw UiException.badRequest("The monthly job quota must be a whole number (or empty for unlimited).");
            }
        }
        ApiKeyService.Created made = keys.create(new ApiKeyService.NewKey(f.get("name"), scopes, f.get("tier"),
                f.get("worker_id"), q));
        // Rendered straight into this answer (no redirect): the secret must not travel anywhere else.
        call.page("keys_created.jte", new CreatedPage(call.chrome("API key created", "keys"), row(made.key(), call),
                made.secret()));
    }

    private void revoke(UiCall call) {
        call.require(Scopes.ADMIN);
        long id = id(call);
        ApiKey k = keys.revoke(id, call.who().id());
        call.redirect("/ui/keys", "API key key-" + id + " (" + k.name() + ") revoked.");
    }

    private void enable(UiCall call, boolean on) {
        call.require(Scopes.ADMIN);
        long id = id(call);
        ApiKey k = keys.update(id, new ApiKeyService.KeyPatch(null, null, null, on), call.who().id());
        call.redirect("/ui/keys", "API key key-" + id + " (" + k.name() + ") " + (on ? "enabled." : "disabled."));
    }

    private KeyRow row(ApiKey k, UiCall call) {
        return new KeyRow("key-" + k.id(), k.name(), k.prefix(), List.copyOf(new TreeSet<>(k.scopes())), k.tier().wire(),
                k.enabled(), k.revoked(), k.workerId(), fmt.time(k.createdAt()), fmt.iso(k.createdAt()),
                k.lastUsedAt() == null ? "never" : fmt.relative(k.lastUsedAt()), fmt.iso(k.lastUsedAt()),
                k.revokedAt() == null ? null : fmt.time(k.revokedAt()),
                k.monthlyJobQuota() == null ? "unlimited" : fmt.count(k.monthlyJobQuota()) + " jobs/month",
                call.who().id().equals("key:" + k.id()));
    }

    private static List<String> tiers() {
        List<String> out = new ArrayList<>();
        for (Tier t : Tier.values()) out.add(t.wire());
        return out;
    }

    /** {@code key-12} in the path; anything else names no key (404, as an unknown id). */
    static long id(UiCall call) {
        String raw = call.path("id");
        Matcher m = raw == null ? null : ID.matcher(raw);
        if (m == null || !m.matches()) throw UiException.notFound("API key " + (raw == null ? "" : raw));
        return Long.parseLong(m.group(1));
    }
}
