package dev.coxswain.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Tier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies bearer JWTs: the signature (HS256 with a shared secret; RS256 or ES256 with a public
 * key from a PEM file or a JWKS file), then {@code exp} (required), {@code nbf}, {@code iss} and
 * {@code aud} against the injected clock with a small skew. Scopes come from a configurable claim
 * (a space- or comma-separated string, or an array); the tier from another.
 */
public final class JwtVerifier {
    /** Clock difference tolerated between the token's issuer and us. */
    static final Duration SKEW = Duration.ofSeconds(30);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final JwtSettings settings;
    private final Clock clock;

    /** What the verifier is configured with; at least one key source must be set. */
    public record JwtSettings(String hs256Secret, Path publicKeyPem, Path jwksFile, String issuer, String audience,
                              String scopesClaim, String tierClaim, Tier defaultTier) {
        public boolean enabled() {
            return hs256Secret != null || publicKeyPem != null || jwksFile != null;
        }

        /** Never prints the secret. */
        @Override
        public String toString() {
            return "JwtSettings[hs256=" + (hs256Secret != null) + ", publicKeyPem=" + publicKeyPem + ", jwksFile=" + jwksFile
                    + ", issuer=" + issuer + ", audience=" + audience + "]";
        }
    }

    /** The configuration cannot be used (bad key file, short secret). */
    public static final class JwtConfigException extends RuntimeException {
        JwtConfigException(String message) {
            super(message);
        }
    }

    public JwtVerifier(JwtSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        List<JWK> keys = new ArrayList<>();
        Set<JWSAlgorithm> algs = new LinkedHashSet<>();
        if (settings.hs256Secret() != null) {
            byte[] secret = settings.hs256Secret().getBytes(StandardCharsets.UTF_8);
            if (secret.length < 32) throw new JwtConfigException("jwt-secret must be at least 32 bytes for HS256");
            keys.add(new OctetSequenceKey.Builder(secret).build());
            algs.add(JWSAlgorithm.HS256);
        }
        if (settings.publicKeyPem() != null) addKey(keys, algs, readPem(settings.publicKeyPem()));
        if (settings.jwksFile() != null) {
            try {
                for (JWK k : JWKSet.load(settings.jwksFile().toFile()).getKeys()) addKey(keys, algs, k);
            } catch (IOException | ParseException e) {
                throw new JwtConfigException("cannot read JWKS file " + settings.jwksFile() + ": " + e.getMessage());
            }
        }
        if (keys.isEmpty()) throw new JwtConfigException("no JWT verification key configured");
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algs, new ImmutableJWKSet<>(new JWKSet(keys))));
        // Time and audience are checked below with the injected clock.
        processor.setJWTClaimsSetVerifier((claims, ctx) -> { });
    }

    public sealed interface Result permits Verified, Rejected {
    }

    /** @param expiresAt the token's {@code exp}: a dashboard session started with it ends no later */
    public record Verified(Principal principal, Instant expiresAt) implements Result {
    }

    /** @param reason safe to show: never contains the token */
    public record Rejected(String reason) implements Result {
    }

    public Result verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            return new Rejected("malformed bearer token");
        } catch (BadJOSEException e) {
            return new Rejected("bearer token signature is not valid for any configured key");
        } catch (JOSEException e) {
            return new Rejected("bearer token could not be verified");
        }
        try {
            checkClaims(claims);
        } catch (BadJWTException e) {
            return new Rejected(e.getMessage());
        }
        String sub = claims.getSubject();
        Set<String> scopes = scopes(claims.getClaim(settings.scopesClaim()));
        Tier tier = settings.defaultTier();
        Object t = claims.getClaim(settings.tierClaim());
        if (t instanceof String s && Tier.fromWire(s) != null) tier = Tier.fromWire(s);
        return new Verified(new Principal("jwt:" + sub, sub, scopes, tier, null), claims.getExpirationTime().toInstant());
    }

    private void checkClaims(JWTClaimsSet c) throws BadJWTException {
        Instant now = clock.instant();
        Date exp = c.getExpirationTime();
        if (exp == null) throw new BadJWTException("bearer token has no exp claim");
        if (now.minus(SKEW).isAfter(exp.toInstant())) throw new BadJWTException("bearer token expired");
        Date nbf = c.getNotBeforeTime();
        if (nbf != null && now.plus(SKEW).isBefore(nbf.toInstant())) throw new BadJWTException("bearer token not valid yet (nbf)");
        if (c.getSubject() == null || c.getSubject().isBlank()) throw new BadJWTException("bearer token has no sub claim");
        if (settings.issuer() != null && !settings.issuer().equals(c.getIssuer())) {
            throw new BadJWTException("bearer token issuer is not accepted");
        }
        if (settings.audience() != null && (c.getAudience() == null || !c.getAudience().contains(settings.audience()))) {
            throw new BadJWTException("bearer token audience is not accepted");
        }
    }

    static Set<String> scopes(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof String s) {
            for (String part : s.split("[\\s,]+")) if (!part.isBlank()) out.add(part);
        } else if (claim instanceof Collection<?> list) {
            for (Object o : list) if (o instanceof String s && !s.isBlank()) out.add(s.trim());
        }
        return Set.copyOf(out);
    }

    private static void addKey(List<JWK> keys, Set<JWSAlgorithm> algs, JWK k) {
        if (k instanceof RSAKey) {
            keys.add(k.toPublicJWK());
            algs.add(JWSAlgorithm.RS256);
        } else if (k instanceof ECKey ec) {
            keys.add(k.toPublicJWK());
            algs.add(Curve.P_384.equals(ec.getCurve()) ? JWSAlgorithm.ES384
                    : Curve.P_521.equals(ec.getCurve()) ? JWSAlgorithm.ES512 : JWSAlgorithm.ES256);
        } else {
            throw new JwtConfigException("unsupported JWT key type " + k.getKeyType() + " (RSA and EC public keys are)");
        }
    }

    /** A PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo), RSA or EC, read with the JDK alone. */
    private static JWK readPem(Path file) {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (IOException e) {
            throw new JwtConfigException("cannot read JWT public key " + file + ": " + e.getMessage());
        }
        String b64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new JwtConfigException("JWT public key " + file + " is not a PEM public key");
        }
        for (String alg : List.of("RSA", "EC")) {
            try {
                PublicKey k = KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
                if (k instanceof RSAPublicKey rsa) return new RSAKey.Builder(rsa).build();
                if (k instanceof ECPublicKey ec) return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // try the next algorithm
            }
        }
        throw new JwtConfigException("JWT public key " + file + " is neither an RSA nor an EC public key");
    }
}
