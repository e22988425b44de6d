package dev.coxswain.core.connection;

import dev.coxswain.core.store.Sealer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (connection passwords, webhook secrets, environment values): AES-256-GCM with a random 96-bit nonce per
 * value, stored as {@code v1:<base64(nonce || ciphertext+tag)>}. The key comes from configuration
 * ({@code secret-key}, base64 of 32 bytes — every node of a cluster needs the same one) or, when
 * none is configured, from {@code <data-dir>/secret.key}, created with mode 0600 on first use.
 */
public final class SecretBox implements Sealer {
    private static final String PREFIX = "v1:";
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(byte[] key) {
        if (key.length != 32) throw new IllegalArgumentException("the secret key must be 32 bytes (base64 of 32 random bytes)");
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A box with the configured key (base64), or the data directory's key file (created when missing). */
    public static SecretBox of(String configuredBase64, Path dataDir) {
        if (configuredBase64 != null) {
            try {
                return new SecretBox(Base64.getDecoder().decode(configuredBase64.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret-key must be base64 of 32 bytes");
            }
        }
        Path file = dataDir.resolve("secret.key");
        try {
            if (!Files.exists(file)) {
                byte[] k = new byte[32];
                new SecureRandom().nextBytes(k);
                Files.createDirectories(dataDir);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, Base64.getEncoder().encodeToString(k) + "\n");
            }
            return new SecretBox(Base64.getDecoder().decode(Files.readString(file).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /**
     * A key for another purpose (e.g. signing file URLs), derived from this one as
     * HMAC-SHA256(key, purpose): the same on every node that shares the secret key, and never the
     * encryption key itself.
     */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    @Override
    public String seal(String plain) {
        if (plain == null) return null;
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE + ct.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(ct, 0, out, NONCE, ct.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** @throws IllegalStateException when the value was sealed with another key (without saying more) */
    @Override
    public String open(String sealed) {
        if (sealed == null) return null;
        if (!sealed.startsWith(PREFIX)) throw new IllegalStateException("not a sealed value");
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE));
            return new String(c.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored secret cannot be decrypted with this server's secret key");
        }
    }
}
