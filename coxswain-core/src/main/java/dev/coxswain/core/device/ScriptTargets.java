package dev.coxswain.core.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.service.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The targets a script fans out over: {@code follow} and {@code unfollow} run once per target user,
 * {@code comment} once per target post URL (the seed's script pages). Targets come from the list
 * key ({@code target_users}, an array of strings) or else the single key ({@code target_user}, a
 * string the UI fills from a text box: one or more per line, or comma-separated). Each task's
 * config then names exactly one target under the single key.
 */
public final class ScriptTargets {
    /** The keys of one script's targets. */
    record Keys(String list, String single) {
    }

    static final Map<String, Keys> KEYS = Map.of(
            "follow", new Keys("target_users", "target_user"),
            "unfollow", new Keys("target_users", "target_user"),
            "comment", new Keys("target_post_urls", "target_post_url"));

    private ScriptTargets() {
    }

    /** The script's targets in the config, in order; empty when the script has none (one task). */
    public static List<String> of(String script, JsonNode config) {
        Keys k = KEYS.get(script);
        if (k == null || config == null || !config.isObject()) return List.of();
        JsonNode list = config.get(k.list());
        if (list != null && !list.isNull()) return values(list, k.list());
        JsonNode single = config.get(k.single());
        if (single != null && !single.isNull()) return values(single, k.single());
        return List.of();
    }

    /** The config one task of the fan-out gets: both target keys removed, the single key set to {@code target}. */
    public static ObjectNode configFor(String script, ObjectNode config, String target) {
        ObjectNode c = config == null ? Json.object() : config.deepCopy();
        Keys k = KEYS.get(script);
        if (k == null || target == null) return c;
        c.remove(k.list());
        c.put(k.single(), target);
        return c;
    }

    private static List<String> values(JsonNode v, String key) {
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            split(v.asText(), out);
        } else if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isTextual()) throw new ValidationException("script_config." + key, "must hold strings only");
                String s = e.asText().trim();
                if (!s.isEmpty()) out.add(s);
            }
        } else {
            throw new ValidationException("script_config." + key, "must be an array of strings or a string");
        }
        return out;
    }

    /** Splits on newlines and commas, trims, drops empties. */
    static void split(String text, List<String> out) {
        for (String part : text.split("[\\r\\n,]")) {
            String s = part.trim();
            if (!s.isEmpty()) out.add(s);
        }
    }
}
