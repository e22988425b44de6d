package dev.coxswain.core.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.connection.SecretBox;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.remote.WorkerTokens.Expired;
import dev.coxswain.core.remote.WorkerTokens.Issued;
import dev.coxswain.core.remote.WorkerTokens.Unknown;
import dev.coxswain.core.remote.WorkerTokens.Valid;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.Sealer;
import dev.coxswain.core.store.WorkerTokenStore;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The STS exchange's tokens, on each store, with a clock only the test moves. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class WorkerTokensTest {
    private static final String MASTER = "master-token-of-w1-0123456789";

    @Parameter
    StoreKind store;

    @TempDir
    Path tmp;

    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private Database db;
    private TestDatabases.PgDatabase pg;
    private WorkerTokens tokens;

    @BeforeEach
    void open() {
        if (store == StoreKind.SQLITE) {
            db = TestDatabases.sqlite(tmp.resolve("db"));
        } else {
            pg = TestDatabases.freshPostgres();
            db = pg.open();
        }
        tokens = tokens(Sealer.NONE);
    }

    @AfterEach
    void close() {
        try {
            if (db != null) db.close();
        } finally {
            if (pg != null) pg.close();
        }
    }

    private WorkerTokens tokens(Sealer sealer) {
        return new WorkerTokens(db, new WorkerTokenStore(), sealer, clock);
    }

    @Test
    void anIssuedAccessTokenResolvesToItsWorkerUntilItExpires() {
        Issued i = tokens.issue("w1", "key-1", MASTER);
        assertThat(i.workerId()).isEqualTo("w1");
        assertThat(i.expiresInSeconds()).isEqualTo(3600);
        assertThat(i.accessToken()).startsWith(WorkerTokens.PREFIX).isNotEqualTo(i.refreshToken());
        assertThat(i.refreshToken()).startsWith(WorkerTokens.PREFIX);
        assertThat(i.toString()).doesNotContain(i.accessToken()).doesNotContain(i.refreshToken());

        assertThat(tokens.resolve(i.accessToken())).isEqualTo(new Valid("w1", "key-1", MASTER));
        assertThat(tokens.resolve(i.accessToken()).toString()).doesNotContain(MASTER);

        clock.advance(WorkerTokens.ACCESS_TTL);
        assertThat(tokens.resolve(i.accessToken())).isInstanceOf(Valid.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(tokens.resolve(i.accessToken())).isInstanceOf(Expired.class);

        // The refresh token outlives it.
        Issued next = tokens.refresh("w1", i.refreshToken());
        assertThat(next).isNotNull();
        assertThat(tokens.resolve(next.accessToken())).isEqualTo(new Valid("w1", "key-1", MASTER));
    }

    @Test
    void unknownTokensAreUnknown() {
        Issued i = tokens.issue("w1", "key-1", MASTER);
        assertThat(tokens.resolve("sts_not-a-token-we-issued")).isInstanceOf(Unknown.class);
        assertThat(tokens.resolve(MASTER)).isInstanceOf(Unknown.class);
        assertThat(tokens.resolve(null)).isInstanceOf(Unknown.class);
        assertThat(tokens.resolve(i.refreshToken())).as("a refresh token is no access token").isInstanceOf(Unknown.class);
    }

    @Test
    void aRefreshTokenWorksOnceAndGivesANewPair() {
        Issued first = tokens.issue("w1", "key-1", MASTER);
        clock.advance(Duration.ofMinutes(50));
        Issued second = tokens.refresh("w1", first.refreshToken());
        assertThat(second).isNotNull();
        assertThat(second.workerId()).isEqualTo("w1");
        assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(tokens.resolve(second.accessToken())).isEqualTo(new Valid("w1", "key-1", MASTER));

        assertThat(tokens.refresh("w1", first.refreshToken())).as("used already").isNull();
        // The old access token stays valid until its own expiry (requests in flight carry it).
        assertThat(tokens.resolve(first.accessToken())).isInstanceOf(Valid.class);
        clock.advance(Duration.ofMinutes(10).plusMillis(1));
        assertThat(tokens.resolve(first.accessToken())).isInstanceOf(Expired.class);
        assertThat(tokens.resolve(second.accessToken())).isInstanceOf(Valid.class);

        assertThat(tokens.refresh("w1", second.refreshToken())).isNotNull();
        assertThat(tokens.refresh("w1", second.refreshToken())).isNull();
    }

    @Test
    void aRefreshTokenOfAnotherWorkerIsRefusedAndStaysUsableByItsOwner() {
        Issued w1 = tokens.issue("w1", "key-1", MASTER);
        assertThat(tokens.refresh("w2", w1.refreshToken())).isNull();
        assertThat(tokens.refresh("w1", "sts_nothing-like-it")).isNull();
        assertThat(tokens.refresh("w1", "no-prefix")).isNull();
        assertThat(tokens.refresh("w1", null)).isNull();
        assertThat(tokens.refresh("w1", w1.accessToken())).as("an access token is no refresh token").isNull();
        assertThat(tokens.refresh("w1", w1.refreshToken())).isNotNull();
    }

    @Test
    void aRefreshTokenExpiresAfterADay() {
        Issued i = tokens.issue("w1", "key-1", MASTER);
        clock.advance(WorkerTokens.REFRESH_TTL.plusMillis(1));
        assertThat(tokens.refresh("w1", i.refreshToken())).isNull();
    }

    @Test
    void pairsWhoseTokensHaveBothExpiredAreForgotten() {
        tokens.issue("w1", "key-1", MASTER);
        clock.advance(WorkerTokens.REFRESH_TTL.plusMillis(1));
        tokens.issue("w2", "key-2", "another-master");
        assertThat(rows()).extracting(r -> r[0]).containsExactly("w2");
    }

    @Test
    void onlyHashesOfTheTokensAndTheSealedMasterTokenAreStored() {
        SecretBox box = new SecretBox(new byte[32]);
        WorkerTokens sealed = tokens(box);
        Issued i = sealed.issue("w1", "key-1", MASTER);

        List<String[]> rows = rows();
        assertThat(rows).hasSize(1);
        String[] r = rows.get(0);
        for (String column : r) {
            assertThat(column).doesNotContain(MASTER).doesNotContain(i.accessToken()).doesNotContain(i.refreshToken());
        }
        assertThat(box.isSealed(r[2])).isTrue();
        assertThat(box.open(r[2])).isEqualTo(MASTER);
        assertThat(r[3]).isEqualTo(WorkerTokens.hash(i.accessToken()));
        assertThat(r[4]).isEqualTo(WorkerTokens.hash(i.refreshToken()));

        assertThat(sealed.resolve(i.accessToken())).isEqualTo(new Valid("w1", "key-1", MASTER));
        Issued next = sealed.refresh("w1", i.refreshToken());
        assertThat(sealed.resolve(next.accessToken())).isEqualTo(new Valid("w1", "key-1", MASTER));
        // A server with another key cannot open it: the worker must exchange its master token again.
        WorkerTokens otherKey = tokens(new SecretBox("k".repeat(32).getBytes()));
        assertThat(otherKey.resolve(i.accessToken())).isInstanceOf(Unknown.class);
    }

    /** {worker_id, principal_id, master_sealed, access_hash, refresh_hash} of every row. */
    private List<String[]> rows() {
        return db.read(c -> {
            List<String[]> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT worker_id, principal_id, master_sealed, access_hash,"
                    + " refresh_hash FROM worker_tokens ORDER BY created_at");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)});
                }
            }
            return out;
        });
    }
}
