package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Python SDK's wire serialisation and message signature, written again from the protocol
 * notes (§1, §7) and checked against the signatures the real SDK produced (see
 * {@code CanonicalJsonTest}). Deliberately shares nothing with the server's own canonicaliser:
 * a bug copied into both sides would make every signature "verify".
 *
 * <p>Rules (rxon {@code to_dict} + orjson with sorted keys): object keys whose value is null are
 * dropped at every level; integral floats become integers; keys sorted by code point at every
 * level; no whitespace; UTF-8 without {@code \\u} escapes except for control characters; other
 * floats rendered like Python's {@code repr} ({@code 0.0015}, {@code 0.5}, {@code 1e-07}).
 */
final class CanonicalJson {
    private CanonicalJson() {
    }

    static String write(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    static byte[] bytes(JsonNode node) {
        return write(node).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Lower-case hex HMAC-SHA256 keyed with the worker's master token over the canonical form of
     * {@code message} without its top-level {@code security} (and, for events, without
     * {@code bubbling_chain}, which relays append to after signing).
     */
    static String signature(ObjectNode message, String masterToken, boolean event) {
        ObjectNode copy = message.deepCopy();
        copy.remove("security");
        if (event) copy.remove("bubbling_chain");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(masterToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(bytes(copy)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** {@code message} with {@code security: {signature, signer_id}} set, as the SDK sends it. */
    static ObjectNode signed(ObjectNode message, String workerId, String masterToken, boolean event) {
        ObjectNode out = message.deepCopy();
        out.remove("security");
        ObjectNode sec = out.putObject("security");
        sec.put("signature", signature(out, masterToken, event));
        sec.put("signer_id", workerId);
        return out;
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static void write(JsonNode n, StringBuilder out) {
        switch (n.getNodeType()) {
            case OBJECT -> {
                List<String> keys = new ArrayList<>();
                n.fieldNames().forEachRemaining(keys::add);
                keys.sort(CanonicalJson::byCodePoint);
                out.append('{');
                boolean first = true;
                for (String k : keys) {
                    JsonNode v = n.get(k);
                    if (v == null || v.isNull() || v.isMissingNode()) continue; // null and absent are the same on this wire
                    if (!first) out.append(',');
                    first = false;
                    string(k, out);
                    out.append(':');
                    write(v, out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < n.size(); i++) {
                    if (i > 0) out.append(',');
                    write(n.get(i), out);
                }
                out.append(']');
            }
            case STRING -> string(n.textValue(), out);
            case NUMBER -> number(n, out);
            case BOOLEAN -> out.append(n.booleanValue());
            case NULL, MISSING -> out.append("null");
            default -> throw new IllegalArgumentException("not JSON: " + n.getNodeType());
        }
    }

    private static void number(JsonNode n, StringBuilder out) {
        if (n.isIntegralNumber()) {
            out.append(n.bigIntegerValue());
            return;
        }
        out.append(pythonFloat(n.doubleValue()));
    }

    /** A float as the SDK puts it on the wire: integral → integer, else Python's shortest repr. */
    static String pythonFloat(double d) {
        if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON has no " + d);
        if (d == Math.rint(d)) return new BigDecimal(d).toBigInteger().toString();
        // Double.toString gives the shortest digits that round-trip (JDK 19+), like repr().
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - bd.scale() - 1;
        if (exp >= -4 && exp < 16) return bd.toPlainString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        int abs = Math.abs(exp);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + abs;
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    private static int byCodePoint(String a, String b) {
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
