package dev.coxswain.worker.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * rxon's canonical JSON, the bytes a message signature is computed over. Both ends must produce
 * it byte for byte from the parsed message, so the rules copy the Python SDK (rxon {@code to_dict}
 * then {@code orjson.dumps} with sorted keys):
 * <ul>
 *   <li>object members whose value is null are dropped, at every level (null array items stay);</li>
 *   <li>integral floats become integers ({@code 1.0} → {@code 1}); other floats use the shortest
 *       round-trip digits, plain for normal magnitudes ({@code 0.0015}), {@code 1e-7} style only
 *       for extreme ones ({@link FloatFormat});</li>
 *   <li>keys sorted at every level by code point (the order of their UTF-8 bytes, as orjson);</li>
 *   <li>compact ({@code ,} and {@code :}), UTF-8, no {@code \\u} escapes except for control
 *       characters.</li>
 * </ul>
 * NaN and infinities, which JSON cannot carry, are treated like null: no parsed message holds
 * them, so dropping them keeps what a sender signs equal to what a receiver re-canonicalises.
 */
public final class CanonicalJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final Comparator<String> CODE_POINT_ORDER = CanonicalJson::compareCodePoints;

    private CanonicalJson() {
    }

    /** The canonical text of {@code node}. */
    public static String canonical(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            throw new IllegalArgumentException("Nothing to canonicalise");
        }
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString();
    }

    /** The canonical UTF-8 bytes of {@code node}. */
    public static byte[] canonicalBytes(JsonNode node) {
        return canonical(node).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The bytes a message's signature covers: the message without its top-level {@code security}
     * and, for events, without {@code bubbling_chain} (which relays may extend), canonicalised.
     */
    public static byte[] signingBytes(JsonNode message, boolean isEvent) {
        if (!(message instanceof ObjectNode object)) {
            throw new IllegalArgumentException("A signed message is a JSON object");
        }
        ObjectNode copy = object.deepCopy();
        copy.remove(Protocol.FIELD_SECURITY);
        if (isEvent) copy.remove(Protocol.FIELD_BUBBLING_CHAIN);
        return canonicalBytes(copy);
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, out);
            case ARRAY -> {
                out.append('[');
                boolean first = true;
                for (JsonNode item : node) {
                    if (!first) out.append(',');
                    first = false;
                    if (absent(item)) out.append("null");
                    else write(item, out);
                }
                out.append(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case BINARY -> writeString(node.asText(), out);
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            case NUMBER -> writeNumber(node, out);
            default -> throw new IllegalArgumentException("Not plain JSON: " + node.getNodeType());
        }
    }

    private static void writeObject(JsonNode node, StringBuilder out) {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.size());
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            if (!absent(member.getValue())) members.add(member);
        }
        members.sort(Map.Entry.comparingByKey(CODE_POINT_ORDER));
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> member : members) {
            if (!first) out.append(',');
            first = false;
            writeString(member.getKey(), out);
            out.append(':');
            write(member.getValue(), out);
        }
        out.append('}');
    }

    private static boolean absent(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return true;
        if (node.isFloatingPointNumber()) return !Double.isFinite(asDouble(node));
        return false;
    }

    private static void writeNumber(JsonNode node, StringBuilder out) {
        if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else {
            out.append(FloatFormat.format(asDouble(node)));
        }
    }

    /**
     * The double a receiver parses from the number as sent: a float field is written by Jackson
     * with its own shortest digits ({@code 0.1f} as {@code 0.1}), and a BigDecimal is read back
     * by the Python side as a double.
     */
    private static double asDouble(JsonNode node) {
        if (node.isFloat()) return Double.parseDouble(Float.toString(node.floatValue()));
        return node.doubleValue();
    }

    private static void writeString(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
