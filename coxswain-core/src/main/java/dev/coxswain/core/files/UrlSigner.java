package dev.coxswain.core.files;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the local store's presigned URLs: lower-case hex HMAC-SHA256 over
 * {@code METHOD \n key \n expires} (epoch seconds). The method is signed so that a download link
 * cannot be used to overwrite the file.
 */
public final class UrlSigner {
    /** Why a signed request is refused, or {@link #VALID}. */
    public enum Verdict { VALID, EXPIRED, BAD_SIGNATURE }

    private final SecretKeySpec key;
    private final Clock clock;

    public UrlSigner(byte[] hmacKey, Clock clock) {
        if (hmacKey == null || hmacKey.length < 16) throw new IllegalArgumentException("the URL signing key needs at least 16 bytes");
        this.key = new SecretKeySpec(hmacKey.clone(), "HmacSHA256");
        this.clock = clock;
    }

    public String sign(String method, String key, long expiresEpochSecond) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(this.key);
            byte[] sig = mac.doFinal((method + "\n" + key + "\n" + expiresEpochSecond).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Checks the signature first (in constant time), then the expiry, so an expired link tells
     * nothing about a forged one.
     *
     * @param expires the {@code expires} parameter as sent (null or not a number: a bad signature)
     */
    public Verdict verify(String method, String key, String expires, String signature) {
        if (expires == null || signature == null) return Verdict.BAD_SIGNATURE;
        long at;
        try {
            at = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return Verdict.BAD_SIGNATURE;
        }
        byte[] expected = sign(method, key, at).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) return Verdict.BAD_SIGNATURE;
        return clock.instant().getEpochSecond() > at ? Verdict.EXPIRED : Verdict.VALID;
    }
}
