package dev.coxswain.core.service;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.store.ApiKeyStore;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.SessionStore;
import dev.coxswain.core.store.Sql;
import dev.coxswain.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dashboard sessions on each database: only the token's hash is stored; a session ends at its
 * absolute end, when idle too long, at sign-out, at its JWT's expiry, and when its key is revoked
 * or disabled; a key's session always carries the key's current scopes.
 */
abstract class SessionServiceContract {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final SessionService.Settings SETTINGS = new SessionService.Settings(Duration.ofMinutes(30), Duration.ofHours(12));

    protected abstract Database open();

    protected abstract void cleanup() throws Exception;

    MutableClock clock;
    Database db;
    ApiKeyService keys;
    SessionService sessions;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        db = open();
        keys = new ApiKeyService(db, new ApiKeyStore(), clock);
        sessions = new SessionService(db, new SessionStore(), new ApiKeyStore(), clock, SETTINGS);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
        cleanup();
    }

    private Principal keyPrincipal(String name, Set<String> scopes) {
        ApiKeyService.Created k = keys.create(name, scopes, "pro");
        return keys.authenticate(k.secret()).orElseThrow();
    }

    private long rows() {
        return db.read(c -> Sql.count(c, "SELECT COUNT(*) FROM ui_sessions"));
    }

    @Test
    void theStoreKeepsOnlyTheTokensHash() {
        SessionService.Started s = sessions.start(keyPrincipal("ops", Set.of("read")), null);
        String stored = db.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT id_hash FROM ui_sessions")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(stored).isNotEqualTo(s.token()).hasSize(64);
        assertThat(sessions.resolve(s.token())).isPresent();
        assertThat(sessions.resolve(stored)).isEmpty();
        assertThat(s.toString()).doesNotContain(s.token()).doesNotContain(s.session().csrf());
    }

    @Test
    void anIdleSessionEndsAndABusyOneLivesUntilItsEnd() {
        SessionService.Started s = sessions.start(keyPrincipal("ops", Set.of("read")), null);
        for (int i = 0; i < 23; i++) { // 11.5 h of requests every 30 min: never idle too long
            clock.advance(Duration.ofMinutes(29));
            assertThat(sessions.resolve(s.token())).as("after " + (i + 1) + " steps").isPresent();
            waitForTouch(s);
        }
        clock.advance(Duration.ofMinutes(34)); // past 12 h
        assertThat(sessions.resolve(s.token())).isEmpty();

        SessionService.Started idle = sessions.start(keyPrincipal("idle", Set.of("read")), null);
        clock.advance(Duration.ofMinutes(31));
        assertThat(sessions.resolve(idle.token())).isEmpty();
        assertThat(rows()).isZero();
    }

    /** The seen-at write is asynchronous (a read does not wait for it); wait until it landed. */
    private void waitForTouch(SessionService.Started s) {
        long want = clock.instant().toEpochMilli();
        for (int i = 0; i < 200; i++) {
            long seen = db.read(c -> Sql.count(c, "SELECT seen_at FROM ui_sessions WHERE id_hash = '"
                    + s.session().idHash() + "'"));
            if (seen == want) return;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void aJwtSessionEndsWithItsToken() {
        Principal jwt = new Principal("jwt:alice", "alice", Set.of("read", "tasks:write"), Tier.TEAM, null);
        SessionService.Started s = sessions.start(jwt, T0.plus(Duration.ofMinutes(10)));
        assertThat(s.session().expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        SessionService.Session live = sessions.resolve(s.token()).orElseThrow();
        assertThat(live.principal().scopes()).containsExactlyInAnyOrder("read", "tasks:write");
        assertThat(live.principal().tier()).isEqualTo(Tier.TEAM);
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.resolve(s.token())).isEmpty();
    }

    @Test
    void aKeysSessionFollowsTheKey() {
        Principal p = keyPrincipal("ops", Set.of("read"));
        long id = Long.parseLong(p.id().substring(4));
        SessionService.Started s = sessions.start(p, null);
        keys.update(id, new ApiKeyService.KeyPatch(null, Set.of("read", "tasks:write"), null, null));
        assertThat(sessions.resolve(s.token()).orElseThrow().principal().scopes()).contains("tasks:write");
        keys.update(id, new ApiKeyService.KeyPatch(null, null, null, false));
        assertThat(sessions.resolve(s.token())).isEmpty();
        assertThat(rows()).isZero();
    }

    @Test
    void signOutEndsOnlyThatSession() {
        Principal p = keyPrincipal("ops", Set.of("read"));
        SessionService.Started a = sessions.start(p, null);
        SessionService.Started b = sessions.start(p, null);
        assertThat(a.session().csrf()).isNotEqualTo(b.session().csrf());
        sessions.end(a.token());
        assertThat(sessions.resolve(a.token())).isEmpty();
        assertThat(sessions.resolve(b.token())).isPresent();
        sessions.end("no-such-token");
        sessions.end(null);
        assertThat(sessions.resolve(null)).isEmpty();
        assertThat(sessions.resolve("x".repeat(500))).isEmpty();
    }

    @Test
    void csrfTokensCompareExactly() {
        SessionService.Started s = sessions.start(keyPrincipal("ops", Set.of("read")), null);
        assertThat(SessionService.csrfMatches(s.session(), s.session().csrf())).isTrue();
        assertThat(SessionService.csrfMatches(s.session(), s.session().csrf() + "x")).isFalse();
        assertThat(SessionService.csrfMatches(s.session(), "")).isFalse();
        assertThat(SessionService.csrfMatches(s.session(), null)).isFalse();
    }
}
