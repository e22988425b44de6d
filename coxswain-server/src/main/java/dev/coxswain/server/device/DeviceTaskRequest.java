package dev.coxswain.server.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.device.CreateRequest;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/v1/task} read into the service's {@link CreateRequest}. Every shape
 * the service cannot judge is refused here (40001, or 40002 for a missing {@code script_name});
 * what needs the store (unknown devices and accounts, unsupported scripts, plan limits) is the
 * service's. Unknown fields are ignored, as the product does.
 */
final class DeviceTaskRequest {
    static final int DEFAULT_MIN_INTERVAL = 1;
    static final int DEFAULT_MAX_INTERVAL = 5;
    /** A day: a stagger step longer than that is surely a mistake (minutes meant as seconds the other way round). */
    static final int MAX_INTERVAL = 86_400;
    /** More targets than the service would ever accept tasks for (10,000 per request). */
    static final int MAX_TARGETS = 10_000;
    /** Serials, usernames and script names are identifiers, never prose. */
    static final int MAX_NAME_LENGTH = 255;
    private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):([0-5][0-9])");

    private DeviceTaskRequest() {
    }

    /** @param source who creates the tasks: {@code api} here (the product's UI would say {@code ui}) */
    static CreateRequest parse(JsonNode body, String source) {
        if (body == null || !body.isObject()) throw DeviceError.invalid("the request body must be a JSON object");
        List<String> serials = names(body, "serials");
        List<String> usernames = names(body, "usernames");
        if (serials != null && usernames != null) throw DeviceError.invalid("give serials or usernames, not both");
        if (serials == null && usernames == null) throw DeviceError.invalid("serials is required (or usernames)");
        String script = scriptName(body);
        ObjectNode config = scriptConfig(body);
        boolean multi = bool(body, "enable_multi_account");
        int min = interval(body, "min_interval", DEFAULT_MIN_INTERVAL);
        int max = interval(body, "max_interval", DEFAULT_MAX_INTERVAL);
        if (min > max) {
            throw DeviceError.invalid("min_interval (" + min + ") must not be greater than max_interval (" + max + ")");
        }
        return new CreateRequest(serials, usernames, script, config, multi, min, max, startTime(body), source);
    }

    /** A non-empty array of non-empty strings, or null when absent. */
    private static List<String> names(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isArray()) throw DeviceError.invalid(field + " must be an array of strings");
        if (n.isEmpty()) throw DeviceError.invalid(field + " must not be empty");
        if (n.size() > MAX_TARGETS) throw DeviceError.invalid(field + " may hold at most " + MAX_TARGETS + " entries");
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isTextual() || e.asText().isBlank()) throw DeviceError.invalid(field + " must be an array of non-empty strings");
            out.add(identifier(field, e.asText()));
        }
        return out;
    }

    private static String scriptName(JsonNode body) {
        JsonNode n = body.get("script_name");
        if (n == null || n.isNull()) throw new DeviceError(DeviceCode.MISSING_SCRIPT_NAME, "script_name is required");
        if (!n.isTextual()) throw DeviceError.invalid("script_name must be a string");
        if (n.asText().isBlank()) throw new DeviceError(DeviceCode.MISSING_SCRIPT_NAME, "script_name is required");
        return identifier("script_name", n.asText().trim());
    }

    /** No NUL (PostgreSQL text cannot hold it) and a sane length. */
    private static String identifier(String field, String s) {
        if (s.indexOf('\u0000') >= 0) throw DeviceError.invalid(field + " must not contain NUL characters");
        if (s.length() > MAX_NAME_LENGTH) throw DeviceError.invalid(field + " entries must be at most " + MAX_NAME_LENGTH + " characters");
        return s;
    }

    private static ObjectNode scriptConfig(JsonNode body) {
        JsonNode n = body.get("script_config");
        if (n == null || n.isNull()) return Json.object();
        if (!n.isObject()) throw DeviceError.invalid("script_config must be an object");
        return (ObjectNode) n;
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw DeviceError.invalid(field + " must be true or false");
        return n.asBoolean();
    }

    /** Whole seconds in 0..{@link #MAX_INTERVAL}; {@code 2.0} and {@code "2"} are not integers. */
    private static int interval(JsonNode body, String field, int dflt) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isIntegralNumber()) throw DeviceError.invalid(field + " must be an integer (seconds)");
        if (!n.canConvertToLong() || n.asLong() < 0 || n.asLong() > MAX_INTERVAL) {
            throw DeviceError.invalid(field + " must be between 0 and " + MAX_INTERVAL + " (seconds)");
        }
        return n.asInt();
    }

    /** {@code HH:MM} today in the face's zone; null (absent) means now. */
    private static LocalTime startTime(JsonNode body) {
        JsonNode n = body.get("start_time");
        if (n == null || n.isNull()) return null;
        Matcher m = n.isTextual() ? HH_MM.matcher(n.asText()) : null;
        if (m == null || !m.matches()) throw DeviceError.invalid("start_time must be HH:MM, 00:00 to 23:59");
        return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
}
