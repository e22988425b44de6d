package dev.coxswain.worker.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The zero-trust signature of worker messages: lower-case hex HMAC-SHA256 over
 * {@link CanonicalJson#signingBytes}, keyed with the worker's <em>master</em> token in UTF-8. An
 * STS access token is never the key: the SDK keeps signing with the master token after an
 * exchange, and so must the server when it checks.
 */
public final class Signatures {
    private static final String HMAC = "HmacSHA256";

    private Signatures() {
    }

    /** The signature of {@code message} (its {@code security} member, if any, is not covered). */
    public static String sign(JsonNode message, boolean isEvent, String masterToken) {
        return HexFormat.of().formatHex(mac(CanonicalJson.signingBytes(message, isEvent), masterToken));
    }

    /** Whether {@code message}'s own {@code security.signature} is right; false when it has none. */
    public static boolean verify(JsonNode message, boolean isEvent, String masterToken) {
        JsonNode signature = message == null ? null : message.path(Protocol.FIELD_SECURITY).path(Protocol.FIELD_SIGNATURE);
        return signature != null && signature.isTextual() && verify(message, isEvent, masterToken, signature.textValue());
    }

    /** Whether {@code signature} (hex, any case) signs {@code message}, compared in constant time. */
    public static boolean verify(JsonNode message, boolean isEvent, String masterToken, String signature) {
        if (message == null || !message.isObject() || signature == null || masterToken == null || masterToken.isEmpty()) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature);
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(mac(CanonicalJson.signingBytes(message, isEvent), masterToken), given);
    }

    private static byte[] mac(byte[] data, String key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), HMAC));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
