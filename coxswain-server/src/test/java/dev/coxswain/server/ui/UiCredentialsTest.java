package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.auth.JwtVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign-in with a JWT (the session ends with the token), the Secure flag behind a TLS proxy, and rate limits. */
class UiCredentialsTest {
    static final String HS_SECRET = "ui-test-hs256-secret-that-is-long-enough-0123456789";
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    static Path dir;
    static final MutableClock clock = new MutableClock(NOW);
    static UiServer srv;

    @BeforeAll
    static void start() {
        // 30 anonymous requests a minute per address: the limit test below reaches it quickly.
        SecurityConfig sec = new SecurityConfig(new JwtVerifier.JwtSettings(HS_SECRET, null, null, null, null, "scope", "tier",
                Tier.STARTER), null, SecurityConfig.defaultLimits(), 30);
        srv = new UiServer(UiServer.config(dir).withSecurity(sec), clock);
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    /** A fresh minute for each test: the per-address bucket is full again (the limiter runs on this clock). */
    @org.junit.jupiter.api.BeforeEach
    void nextMinute() {
        clock.advance(Duration.ofMinutes(2));
    }

    static String jwt(Duration life) throws Exception {
        JWTClaimsSet c = new JWTClaimsSet.Builder().subject("alice").expirationTime(Date.from(clock.instant().plus(life)))
                .claim("scope", "read tasks:write").build();
        SignedJWT t = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), c);
        t.sign(new MACSigner(HS_SECRET));
        return t.serialize();
    }

    @Test
    void aJwtSignsInAndItsSessionEndsWithTheToken() throws Exception {
        UiClient c = srv.client();
        c.get("/ui/sign-in");
        UiClient.Page in = c.postRaw("/ui/sign-in", Map.of("_csrf", c.csrf(), "credential", jwt(Duration.ofMinutes(5))), Map.of());
        assertThat(in.status()).isEqualTo(303);
        String cookie = in.headers().allValues("Set-Cookie").stream().filter(s -> s.startsWith("coxswain_session=")).findFirst().orElseThrow();
        assertThat(cookie).contains("Max-Age=300");
        assertThat(c.get("/ui/nothing-here").status()).isEqualTo(404);
        clock.advance(Duration.ofMinutes(6));
        assertThat(c.get("/ui/nothing-here").status()).isEqualTo(303);
    }

    @Test
    void anExpiredOrForeignJwtIsRefused() throws Exception {
        UiClient c = srv.client();
        c.get("/ui/sign-in");
        String expired = jwt(Duration.ofMinutes(-10));
        UiClient.Page p = c.postRaw("/ui/sign-in", Map.of("_csrf", c.csrf(), "credential", expired), Map.of());
        assertThat(p.status()).isEqualTo(401);
        assertThat(p.body()).contains("expired").doesNotContain(expired);
    }

    @Test
    void behindATlsProxyTheCookiesAreSecure() {
        UiClient c = srv.client();
        UiClient.Page form = c.get("/ui/sign-in", Map.of("X-Forwarded-Proto", "https"));
        assertThat(form.headers().allValues("Set-Cookie")).filteredOn(s -> s.startsWith("coxswain_signin="))
                .singleElement().asString().contains("Secure");
        // A browser keeps Secure cookies off plain HTTP, and so does this client: send it by hand, as the proxy would.
        UiClient.Page in = c.postRaw("/ui/sign-in", Map.of("_csrf", c.csrf(), "credential", UiServer.ADMIN),
                Map.of("X-Forwarded-Proto", "https", "Cookie", "coxswain_signin=" + c.csrf()));
        assertThat(in.status()).isEqualTo(303);
        assertThat(in.headers().allValues("Set-Cookie")).filteredOn(s -> s.startsWith("coxswain_session="))
                .singleElement().asString().contains("Secure").contains("HttpOnly").contains("SameSite=Strict");
    }

    @Test
    void signInAttemptsAreRateLimitedPerAddress() {
        UiClient c = srv.client();
        UiClient.Page last = null;
        for (int i = 0; i < 40 && (last == null || last.status() != 429); i++) {
            last = c.get("/ui/sign-in");
        }
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.header("Retry-After")).isNotNull();
        assertThat(last.header("Content-Type")).startsWith("text/html");
        assertThat(last.body()).contains("Too many");
    }
}
