package dev.coxswain.core.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature receivers check: {@code X-Coxswain-Signature: t=<unix seconds>,v1=<hex>}, where the
 * hex is HMAC-SHA256 keyed with the subscription's secret over {@code "<t>.<body>"}. Binding the
 * timestamp into the MAC lets a receiver refuse replays of old deliveries.
 */
public final class WebhookSigner {
    public static final String SIGNATURE_HEADER = "X-Coxswain-Signature";

    private WebhookSigner() {
    }

    public static String header(String secret, long epochSeconds, byte[] body) {
        return "t=" + epochSeconds + ",v1=" + hmac(secret, epochSeconds, body);
    }

    public static String hmac(String secret, long epochSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((epochSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
