package dev.coxswain.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.device.DevicePlans;
import dev.coxswain.core.device.DeviceSettings;
import dev.coxswain.core.domain.Tier;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code device-*} settings read into the core's {@link DeviceSettings}. Every value is text
 * (YAML scalar, environment variable or flag), so one parser serves all three; the YAML mapping
 * form of {@code device-plans} is turned into that same text first ({@link #plansText}).
 */
final class DeviceSettingsConfig {
    static final String SCRIPTS = "device-scripts";
    static final String MAX_RETRY_COUNT = "device-max-retry-count";
    static final String AUTO_RETRY = "device-auto-retry";
    static final String RETRY_DELAY = "device-retry-delay-seconds";
    static final String TASK_TIMEOUT = "device-task-timeout-seconds";
    static final String PLANS = "device-plans";
    static final String TIME_ZONE = "device-time-zone";
    static final int MAX_DELAY_SECONDS = 86_400;
    static final int MAX_TIMEOUT_SECONDS = 604_800;

    private static final Pattern DELAY = Pattern.compile("\\s*([0-9]{1,9})\\s*(?:-\\s*([0-9]{1,9})\\s*)?");
    private static final Pattern PLAN = Pattern.compile("\\s*([A-Za-z]+)\\s*=\\s*([0-9]{1,9}|none)\\s*/\\s*([0-9]{1,9}|none)\\s*");
    private static final Pattern SCRIPT = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    private static final Set<String> PLAN_KEYS = Set.of("device-limit", "concurrency");

    private DeviceSettingsConfig() {
    }

    /** The defaults of the {@code device-*} keys, as their text. */
    static String defaultScripts() {
        return String.join(",", DeviceSettings.DEFAULT_SCRIPTS);
    }

    static String defaultRetryDelay() {
        DeviceSettings d = DeviceSettings.defaults();
        return d.retryDelayMin() + "-" + d.retryDelayMax();
    }

    /**
     * @param v        every setting's text by key (defaults already filled in)
     * @param fallback the zone when {@code device-time-zone} is unset: the server's {@code timezone}
     */
    static DeviceSettings read(Map<String, String> v, ZoneId fallback) {
        DeviceSettings d = DeviceSettings.defaults();
        int[] delay = retryDelay(v.get(RETRY_DELAY));
        return new DeviceSettings(scripts(v.get(SCRIPTS)), ConfigLoader.intIn(v, MAX_RETRY_COUNT, 0, 100), ConfigLoader.bool(v, AUTO_RETRY),
                delay[0], delay[1], ConfigLoader.intIn(v, TASK_TIMEOUT, 1, MAX_TIMEOUT_SECONDS), plans(v.get(PLANS)),
                zone(v.get(TIME_ZONE), fallback));
    }

    /** Comma- or space-separated script names; blank means none (only the device workers' skills are accepted). */
    static List<String> scripts(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text == null) return List.of();
        for (String s : text.split("[,\\s]+")) {
            if (s.isEmpty()) continue;
            if (!SCRIPT.matcher(s).matches()) {
                throw new ConfigLoader.ConfigException(SCRIPTS + ": '" + s + "' is not a script name (letters, digits, _ . : -)");
            }
            out.add(s);
        }
        return new ArrayList<>(out);
    }

    /** {@code <min>-<max>} seconds, or one number for a fixed delay. */
    static int[] retryDelay(String text) {
        Matcher m = text == null ? null : DELAY.matcher(text);
        if (m == null || !m.matches()) throw new ConfigLoader.ConfigException(RETRY_DELAY + " must be <min>-<max> seconds, e.g. 5-60");
        int min = Integer.parseInt(m.group(1));
        int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
        if (min > max || max > MAX_DELAY_SECONDS) {
            throw new ConfigLoader.ConfigException(RETRY_DELAY + " must be <min>-<max> with 0 <= min <= max <= " + MAX_DELAY_SECONDS);
        }
        return new int[] {min, max};
    }

    /**
     * {@code pro=20/20, team=50/none}: per tier, the device limit and the concurrency ({@code none}:
     * no limit). Tiers not named keep their defaults; Starter cannot be given API access.
     */
    static DevicePlans plans(String text) {
        DevicePlans plans = DevicePlans.defaults();
        if (text == null || text.isBlank()) return plans;
        Set<Tier> seen = new LinkedHashSet<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) continue;
            Matcher m = PLAN.matcher(entry);
            if (!m.matches()) {
                throw new ConfigLoader.ConfigException(PLANS + ": '" + entry.trim() + "' is not <tier>=<device-limit>/<concurrency> "
                        + "(a number of at least 1, or none)");
            }
            Tier tier = tier(m.group(1));
            if (!seen.add(tier)) throw new ConfigLoader.ConfigException(PLANS + " names " + tier.wire() + " twice");
            plans = plans.with(tier, limit(m.group(2), tier, "device-limit"), limit(m.group(3), tier, "concurrency"));
        }
        return plans;
    }

    /**
     * The YAML form, {@code {pro: {device-limit: 20, concurrency: 20}, …}}, as the text
     * {@link #plans} reads; a key left out keeps the tier's default, {@code null} is no limit.
     */
    static String plansText(JsonNode mapping) {
        if (!mapping.isObject()) throw new ConfigLoader.ConfigException(PLANS + " must be a mapping of tier to {device-limit, concurrency}");
        StringJoiner out = new StringJoiner(",");
        for (var e : mapping.properties()) {
            Tier tier = tier(e.getKey());
            JsonNode plan = e.getValue();
            if (!plan.isObject()) throw new ConfigLoader.ConfigException(PLANS + "." + e.getKey() + " must be a mapping {device-limit, concurrency}");
            for (var k : plan.properties()) {
                if (!PLAN_KEYS.contains(k.getKey())) {
                    throw new ConfigLoader.ConfigException("unknown key '" + k.getKey() + "' in " + PLANS + "." + e.getKey()
                            + " (device-limit, concurrency)");
                }
            }
            DevicePlans.Plan dflt = DevicePlans.defaults().of(tier);
            out.add(tier.wire() + "=" + yamlLimit(plan, "device-limit", dflt.deviceLimit(), e.getKey()) + "/"
                    + yamlLimit(plan, "concurrency", dflt.concurrency(), e.getKey()));
        }
        return out.toString();
    }

    private static String yamlLimit(JsonNode plan, String key, Integer dflt, String tier) {
        if (!plan.has(key)) return dflt == null ? "none" : dflt.toString();
        JsonNode n = plan.get(key);
        if (n.isNull() || (n.isTextual() && n.asText().equals("none"))) return "none";
        if (!n.isIntegralNumber() && !(n.isTextual() && n.asText().matches("[0-9]{1,9}"))) {
            throw new ConfigLoader.ConfigException(PLANS + "." + tier + "." + key + " must be a whole number of at least 1, or none");
        }
        return n.asText();
    }

    private static Tier tier(String name) {
        Tier t = Tier.fromWire(name);
        if (t == null) throw new ConfigLoader.ConfigException(PLANS + ": unknown tier '" + name + "' (pro, team, business, unlimited)");
        if (t == Tier.STARTER) throw new ConfigLoader.ConfigException(PLANS + ": starter has no API access and takes no limits");
        return t;
    }

    private static Integer limit(String text, Tier tier, String what) {
        if (text.equals("none")) return null;
        long n = Long.parseLong(text);
        if (n < 1 || n > 1_000_000) {
            throw new ConfigLoader.ConfigException(PLANS + ": the " + what + " of " + tier.wire() + " must be from 1 to 1000000, or none");
        }
        return (int) n;
    }

    private static ZoneId zone(String text, ZoneId fallback) {
        if (text == null || text.isBlank()) return fallback;
        try {
            return ZoneId.of(text.trim());
        } catch (DateTimeException e) {
            throw new ConfigLoader.ConfigException(TIME_ZONE + " '" + text + "' is not a known time zone");
        }
    }
}
