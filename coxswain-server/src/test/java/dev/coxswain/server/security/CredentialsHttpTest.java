package dev.coxswain.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.auth.JwtVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every credential kind over real HTTP: accepted when valid; expired, not-yet-valid, malformed,
 * wrongly signed, wrong issuer/audience, revoked and disabled ones refused with the native 401;
 * a missing scope refused with 403.
 */
class CredentialsHttpTest {
    static final String HS_SECRET = "an-hs256-secret-that-is-long-enough-0123456789";
    static final String WORKER_TOKEN = "shared-worker-token-0123456789";
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    static Path dir;
    static MutableClock clock = new MutableClock(NOW);
    static SecureServer srv;
    static KeyPair rsa;
    static KeyPair ec;
    static KeyPair ecJwks;

    @BeforeAll
    static void start() throws Exception {
        dev.coxswain.server.testing.SecretLedger.secret(HS_SECRET);
        dev.coxswain.server.testing.SecretLedger.secret(WORKER_TOKEN);
        KeyPairGenerator rg = KeyPairGenerator.getInstance("RSA");
        rg.initialize(2048);
        rsa = rg.generateKeyPair();
        KeyPairGenerator eg = KeyPairGenerator.getInstance("EC");
        eg.initialize(new ECGenParameterSpec("secp256r1"));
        ec = eg.generateKeyPair();
        ecJwks = eg.generateKeyPair();
        Path pem = dir.resolve("rsa.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(rsa.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        Path jwks = dir.resolve("keys.jwks");
        Files.writeString(jwks, new JWKSet(new ECKey.Builder(Curve.P_256, (ECPublicKey) ecJwks.getPublic())
                .keyID("k1").build()).toString());
        // The PEM holds the RSA key; the JWKS the EC key: both paths and all three algorithms are exercised.
        SecurityConfig sec = new SecurityConfig(new JwtVerifier.JwtSettings(HS_SECRET, pem, jwks, "https://issuer.test",
                "coxswain", "scope", "tier", Tier.STARTER), WORKER_TOKEN, SecurityConfig.defaultLimits(), 1000);
        srv = new SecureServer(dir.resolve("data"), sec, clock);
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").issuer("https://issuer.test").audience("coxswain")
                .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(10)))).claim("scope", "tasks:read tasks:write");
    }

    static String sign(JWSSigner signer, JWSAlgorithm alg, JWTClaimsSet c) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), c);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String hs(JWTClaimsSet c) throws JOSEException {
        return sign(new MACSigner(HS_SECRET), JWSAlgorithm.HS256, c);
    }

    SecureServer.Reply tasks(Map<String, String> headers) {
        return srv.get("/api/tasks", headers);
    }

    void assertNative401(SecureServer.Reply r) {
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body().path("error").path("code").asText()).isEqualTo("unauthorized");
        assertThat(r.body().path("error").path("message").asText()).isNotBlank();
    }

    @Test
    void apiKeyInEachHeaderIsAccepted() {
        assertThat(tasks(SecureServer.apiKey(SecureServer.ADMIN)).status()).isEqualTo(200);
        assertThat(tasks(Map.of("X-API-Key", SecureServer.ADMIN)).status()).isEqualTo(200);
        assertThat(tasks(Map.of("X-Client-Token", SecureServer.ADMIN)).status()).isEqualTo(200);
    }

    @Test
    void hs256Rs256AndEs256TokensAreAccepted() throws Exception {
        assertThat(tasks(SecureServer.bearer(hs(claims().build()))).status()).isEqualTo(200);
        String rs = sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, claims().build());
        assertThat(tasks(SecureServer.bearer(rs)).status()).isEqualTo(200);
        String es = sign(new ECDSASigner((ECPrivateKey) ecJwks.getPrivate()), JWSAlgorithm.ES256, claims().build());
        assertThat(tasks(SecureServer.bearer(es)).status()).isEqualTo(200);
    }

    @Test
    void scopesClaimMayBeAnArray() throws Exception {
        String t = hs(claims().claim("scope", List.of("tasks:read")).build());
        assertThat(tasks(SecureServer.bearer(t)).status()).isEqualTo(200);
    }

    @Test
    void badTokensAreRefused() throws Exception {
        assertNative401(tasks(SecureServer.bearer(hs(claims().expirationTime(Date.from(NOW.minusSeconds(120))).build()))));
        assertNative401(tasks(SecureServer.bearer(hs(claims().notBeforeTime(Date.from(NOW.plusSeconds(600))).build()))));
        assertNative401(tasks(SecureServer.bearer(hs(claims().expirationTime(null).build()))));
        assertNative401(tasks(SecureServer.bearer(hs(claims().issuer("https://evil.test").build()))));
        assertNative401(tasks(SecureServer.bearer(hs(claims().audience("someone-else").build()))));
        assertNative401(tasks(SecureServer.bearer("not.a.jwt")));
        assertNative401(tasks(SecureServer.bearer("garbage")));
        // Signed with a key the server does not know (the PEM-less EC key), and with a wrong HMAC secret.
        assertNative401(tasks(SecureServer.bearer(sign(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256, claims().build()))));
        assertNative401(tasks(SecureServer.bearer(sign(new MACSigner("another-secret-which-is-also-long-enough!!"), JWSAlgorithm.HS256, claims().build()))));
        // alg=none must never pass.
        String none = new com.nimbusds.jwt.PlainJWT(claims().build()).serialize();
        assertNative401(tasks(SecureServer.bearer(none)));
    }

    @Test
    void tokenExpiresAsTheClockMoves() throws Exception {
        String t = hs(claims().expirationTime(Date.from(clock.instant().plusSeconds(60))).build());
        assertThat(tasks(SecureServer.bearer(t)).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(60 + JwtVerifierSkew.SECONDS + 1));
        try {
            assertNative401(tasks(SecureServer.bearer(t)));
        } finally {
            clock.set(NOW);
        }
    }

    @Test
    void missingScopeIs403() throws Exception {
        String readOnly = hs(claims().claim("scope", "tasks:read").build());
        SecureServer.Reply r = srv.send("POST", "/api/tasks", "{\"name\":\"x\",\"command\":\"true\"}", SecureServer.bearer(readOnly));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body().path("error").path("code").asText()).isEqualTo("forbidden");
        // tasks:write without jobs:write may not run a shell command.
        String writer = hs(claims().claim("scope", "tasks:read tasks:write").build());
        r = srv.send("POST", "/api/tasks", "{\"name\":\"x\",\"command\":\"true\"}", SecureServer.bearer(writer));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body().path("error").path("message").asText()).contains("jobs:write");
        String shell = hs(claims().claim("scope", "tasks:write jobs:write").build());
        r = srv.send("POST", "/api/tasks", "{\"name\":\"x\",\"command\":\"true\"}", SecureServer.bearer(shell));
        assertThat(r.status()).isEqualTo(201);
    }

    @Test
    void revokedAndDisabledKeysAreRefused() {
        var created = srv.send("POST", "/api/keys", "{\"name\":\"temp\",\"scopes\":[\"tasks:read\"]}",
                SecureServer.apiKey(SecureServer.ADMIN));
        assertThat(created.status()).isEqualTo(201);
        String secret = created.body().path("data").path("secret").asText();
        String id = created.body().path("data").path("id").asText();
        assertThat(tasks(Map.of("X-API-Key", secret)).status()).isEqualTo(200);

        assertThat(srv.send("PUT", "/api/keys/" + id, "{\"enabled\":false}", SecureServer.apiKey(SecureServer.ADMIN)).status())
                .isEqualTo(200);
        assertNative401(tasks(Map.of("X-API-Key", secret)));
        assertThat(srv.send("PUT", "/api/keys/" + id, "{\"enabled\":true}", SecureServer.apiKey(SecureServer.ADMIN)).status())
                .isEqualTo(200);
        assertThat(tasks(SecureServer.apiKey(secret)).status()).isEqualTo(200);

        assertThat(srv.send("DELETE", "/api/keys/" + id, null, SecureServer.apiKey(SecureServer.ADMIN)).status()).isEqualTo(200);
        assertNative401(tasks(SecureServer.apiKey(secret)));
        assertNative401(tasks(Map.of("X-API-Key", secret)));
    }

    @Test
    void malformedAndUnknownCredentialsAreRefused() {
        assertNative401(tasks(Map.of()));
        assertNative401(tasks(Map.of("Authorization", "ApiKey")));
        assertNative401(tasks(Map.of("Authorization", "Basic dXNlcjpwYXNz")));
        assertNative401(tasks(SecureServer.apiKey("cox_not-a-real-key")));
        assertNative401(tasks(Map.of("X-API-Key", " ")));
        SecureServer.Reply r = tasks(SecureServer.apiKey("cox_not-a-real-key"));
        assertThat(r.body().toString()).doesNotContain("cox_not-a-real-key");
    }

    @Test
    void workerTokens() {
        var ind = srv.send("POST", "/api/keys", "{\"name\":\"w1\",\"scopes\":[\"workers\"],\"worker_id\":\"w1\"}",
                SecureServer.apiKey(SecureServer.ADMIN));
        assertThat(ind.status()).isEqualTo(201);
        String w1 = ind.body().path("data").path("secret").asText();
        // Worker credentials authenticate, but the worker scope does not read tasks: 403, not 401.
        assertThat(tasks(Map.of("X-Worker-Token", w1, "X-Worker-ID", "w1")).status()).isEqualTo(403);
        assertNative401(tasks(Map.of("X-Worker-Token", w1, "X-Worker-ID", "w2")));
        assertThat(tasks(Map.of("X-Worker-Token", WORKER_TOKEN, "X-Worker-ID", "w2")).status()).isEqualTo(403);
        // w1 has its own token, so the shared one may not act as w1.
        assertNative401(tasks(Map.of("X-Worker-Token", WORKER_TOKEN, "X-Worker-ID", "w1")));
        assertNative401(tasks(Map.of("X-Worker-Token", "wrong-token-0123456789", "X-Worker-ID", "w2")));
    }

    /** The verifier's tolerated clock skew, restated so the expiry test steps past it. */
    static final class JwtVerifierSkew {
        static final long SECONDS = 30;
    }
}
