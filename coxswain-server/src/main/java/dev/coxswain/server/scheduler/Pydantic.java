package dev.coxswain.server.scheduler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.coxswain.core.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Collects validation errors in the shape FastAPI (Pydantic v2) sends with 422:
 * {@code {"type", "loc", "msg", "input"[, "ctx"]}}, with Pydantic's lax coercions (a numeric
 * string is an int, {@code "yes"} is a bool, …). Every problem is reported, not only the first.
 */
final class Pydantic {
    private static final Set<String> TRUE = Set.of("1", "on", "t", "true", "y", "yes");
    private static final Set<String> FALSE = Set.of("0", "off", "f", "false", "n", "no");

    final ArrayNode errors = Json.MAPPER.createArrayNode();

    boolean ok() {
        return errors.isEmpty();
    }

    void throwIfAny() {
        if (!ok()) throw new SchedulerError(errors);
    }

    ObjectNode error(String type, List<Object> loc, String msg, JsonNode input) {
        ObjectNode e = errors.addObject();
        e.put("type", type);
        ArrayNode l = e.putArray("loc");
        for (Object o : loc) {
            if (o instanceof Integer i) l.add(i);
            else l.add(String.valueOf(o));
        }
        e.put("msg", msg);
        e.set("input", input == null ? NullNode.instance : input);
        return e;
    }

    /** The body as JSON: a missing body or malformed JSON is a 422 like FastAPI's. */
    static JsonNode body(byte[] raw) {
        Pydantic p = new Pydantic();
        if (raw.length == 0) {
            p.error("missing", List.of("body"), "Field required", null);
            p.throwIfAny();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(raw);
            if (n == null || n.isMissingNode()) {
                p.error("missing", List.of("body"), "Field required", null);
                p.throwIfAny();
            }
            return n;
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
            ObjectNode err = p.error("json_invalid", List.of("body", (int) Math.min(offset, Integer.MAX_VALUE)),
                    "JSON decode error", Json.object());
            err.putObject("ctx").put("error", e.getOriginalMessage().replaceAll("\\s+", " "));
            p.throwIfAny();
            return null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(new String(raw, 0, 0, StandardCharsets.UTF_8), e);
        }
    }

    /** A body that must be an object (a model). */
    boolean model(JsonNode body, List<Object> loc) {
        if (body.isObject()) return true;
        error("model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from", body);
        return false;
    }

    /** Absent (and optional) → null; present → the value, or an error and null. */
    JsonNode required(JsonNode obj, String field, List<Object> loc) {
        JsonNode v = obj.get(field);
        if (v == null) error("missing", loc, "Field required", obj);
        return v;
    }

    String string(JsonNode v, List<Object> loc, int maxLength) {
        if (v == null) return null;
        if (!v.isTextual()) {
            error("string_type", loc, "Input should be a valid string", v);
            return null;
        }
        String s = v.textValue();
        if (maxLength > 0 && s.codePointCount(0, s.length()) > maxLength) {
            error("string_too_long", loc, "String should have at most " + maxLength + " characters", v)
                    .putObject("ctx").put("max_length", maxLength);
            return null;
        }
        return s;
    }

    Long integer(JsonNode v, List<Object> loc) {
        if (v == null) return null;
        if (v.isIntegralNumber()) {
            if (v.canConvertToLong()) return v.longValue();
            error("int_parsing_size", loc, "Unable to parse input string as an integer, exceeded maximum size", v);
            return null;
        }
        if (v.isBoolean()) return v.booleanValue() ? 1L : 0L;
        if (v.isFloatingPointNumber()) {
            // A JSON number past the double range (1E+400) is read as an infinite double, which has
            // no decimal value.
            if (v.isDouble() && !Double.isFinite(v.doubleValue())) {
                error("finite_number", loc, "Input should be a finite number", v);
                return null;
            }
            BigDecimal d = v.decimalValue();
            if (d.stripTrailingZeros().scale() <= 0) {
                try {
                    return d.longValueExact();
                } catch (ArithmeticException e) {
                    error("int_parsing_size", loc, "Unable to parse input string as an integer, exceeded maximum size", v);
                    return null;
                }
            }
            error("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", v);
            return null;
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.textValue().strip().replace("_", ""));
            } catch (NumberFormatException e) {
                error("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer", v);
                return null;
            }
        }
        error("int_type", loc, "Input should be a valid integer", v);
        return null;
    }

    Boolean bool(JsonNode v, List<Object> loc) {
        if (v == null) return null;
        if (v.isBoolean()) return v.booleanValue();
        if (v.isIntegralNumber() && (v.asLong() == 0 || v.asLong() == 1)) return v.asLong() == 1;
        if (v.isTextual()) {
            String s = v.textValue().toLowerCase(Locale.ROOT);
            if (TRUE.contains(s)) return true;
            if (FALSE.contains(s)) return false;
            error("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", v);
            return null;
        }
        error("bool_type", loc, "Input should be a valid boolean", v);
        return null;
    }

    /** A string enum member; {@code members} in declaration order. */
    String member(JsonNode v, List<Object> loc, List<String> members) {
        if (v == null) return null;
        if (v.isTextual() && members.contains(v.textValue())) return v.textValue();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) expected.append(i == members.size() - 1 ? " or " : ", ");
            expected.append('\'').append(members.get(i)).append('\'');
        }
        error("enum", loc, "Input should be " + expected, v).putObject("ctx").put("expected", expected.toString());
        return null;
    }

    /** A query or path parameter as an int (FastAPI parses the text). */
    Long intParam(String raw, List<Object> loc) {
        if (raw == null) return null;
        return integer(TextNode.valueOf(raw), loc);
    }

    Boolean boolParam(String raw, List<Object> loc) {
        if (raw == null) return null;
        return bool(TextNode.valueOf(raw), loc);
    }

    static JsonNode canonical(Long v) {
        return v == null ? NullNode.instance : v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? IntNode.valueOf(v.intValue())
                : LongNode.valueOf(v);
    }

    static JsonNode canonical(Boolean v) {
        return v == null ? NullNode.instance : BooleanNode.valueOf(v);
    }

    /** A core ValidationException (field → problem) as Pydantic value errors on the body. */
    static ArrayNode fromCore(Map<String, String> fields) {
        Pydantic p = new Pydantic();
        for (var f : fields.entrySet()) {
            String field = switch (f.getKey()) {
                case "expression" -> "cron_schedule";
                default -> f.getKey();
            };
            p.error("value_error", List.of("body", field), "Value error, " + field + " " + f.getValue(), null);
        }
        return p.errors;
    }
}
