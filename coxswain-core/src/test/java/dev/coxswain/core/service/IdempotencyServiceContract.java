package dev.coxswain.core.service;

import dev.coxswain.core.service.IdempotencyService.Answer;
import dev.coxswain.core.service.IdempotencyService.Outcome;
import dev.coxswain.core.service.IdempotencyService.Request;
import dev.coxswain.core.store.ApiKeyStore;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.IdempotencyStore;
import dev.coxswain.core.store.Sql;
import dev.coxswain.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Idempotency records on each database: recorded with the row they answer for, replayed within
 * the retention, refused for another request, scoped per principal, pruned after expiry.
 */
abstract class IdempotencyServiceContract {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    protected abstract Database open();

    protected abstract void cleanup() throws Exception;

    MutableClock clock;
    Database db;
    ApiKeyService keys;
    IdempotencyService idem;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        db = open();
        keys = new ApiKeyService(db, new ApiKeyStore(), clock);
        idem = new IdempotencyService(db, new IdempotencyStore(), clock);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
        cleanup();
    }

    private Outcome createKey(Request r, String name) {
        return idem.<ApiKeyService.Created>create(r, then -> keys.create(new ApiKeyService.NewKey(name, Set.of("read"), null, null), then),
                c -> Answer.of(201, "{\"id\":" + c.key().id() + "}"));
    }

    private long rows(String sql) {
        return db.read(c -> Sql.count(c, sql));
    }

    @Test
    void theSameRequestIsAnsweredAgainUntilTheRetentionEnds() {
        Request r = new Request("key:1", "k1", "fp-a");
        Outcome first = createKey(r, "a");
        assertThat(first.replayed()).isFalse();
        clock.advance(IdempotencyService.RETENTION.minusSeconds(1));
        Outcome again = createKey(r, "a");
        assertThat(again).isEqualTo(new Outcome(201, first.body(), true));
        assertThat(rows("SELECT COUNT(*) FROM api_keys")).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        Outcome late = createKey(r, "a");
        assertThat(late.replayed()).isFalse();
        assertThat(late.body()).isNotEqualTo(first.body());
        assertThat(rows("SELECT COUNT(*) FROM api_keys")).isEqualTo(2);
        assertThat(rows("SELECT COUNT(*) FROM idempotency_keys")).isEqualTo(1);
    }

    @Test
    void anotherRequestWithTheKeyIsRefusedAndChangesNothing() {
        createKey(new Request("key:1", "k1", "fp-a"), "a");
        assertThatThrownBy(() -> createKey(new Request("key:1", "k1", "fp-b"), "b"))
                .isInstanceOf(IdempotencyKeyReusedException.class);
        assertThat(rows("SELECT COUNT(*) FROM api_keys")).isEqualTo(1);
    }

    @Test
    void keysArePerPrincipal() {
        Outcome one = createKey(new Request("key:1", "same", "fp"), "a");
        Outcome two = createKey(new Request("key:2", "same", "fp"), "a");
        assertThat(two.replayed()).isFalse();
        assertThat(two.body()).isNotEqualTo(one.body());
    }

    @Test
    void aCreateThatFailsRecordsNothingAndItsRowRollsBackWithTheRecord() {
        Request r = new Request("key:1", "k1", "fp");
        assertThatThrownBy(() -> idem.<ApiKeyService.Created>create(r, then -> keys.create(new ApiKeyService.NewKey("a", Set.of("read"), null, null),
                        then.andThen((tx, made) -> {
                            throw new ConflictException("later step of the same transaction failed");
                        })),
                c -> Answer.of(201, "{}"))).isInstanceOf(ConflictException.class);
        assertThat(rows("SELECT COUNT(*) FROM api_keys")).isZero();
        assertThat(rows("SELECT COUNT(*) FROM idempotency_keys")).isZero();
        assertThat(createKey(r, "a").replayed()).isFalse();
    }

    @Test
    void theStoredCopyLeavesOutWhatTheFirstAnswerShowedOnce() {
        Request r = new Request("key:1", "k1", "fp");
        Outcome first = idem.<ApiKeyService.Created>create(r, then -> keys.create(new ApiKeyService.NewKey("a", Set.of("read"), null, null), then),
                c -> new Answer(201, "{\"secret\":\"" + c.secret() + "\"}", "{\"secret\":null}"));
        assertThat(first.body()).contains("cox_");
        assertThat(createKey(r, "a").body()).isEqualTo("{\"secret\":null}");
        assertThat(rows("SELECT COUNT(*) FROM idempotency_keys WHERE body LIKE '%cox_%'")).isZero();
    }

    @Test
    void expiredRecordsArePrunedByALaterCreate() {
        createKey(new Request("key:1", "old", "fp"), "a");
        clock.advance(IdempotencyService.RETENTION.plus(IdempotencyService.PRUNE_EVERY).plusSeconds(1));
        createKey(new Request("key:1", "new", "fp"), "b");
        assertThat(rows("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'old'")).isZero();
        assertThat(rows("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'new'")).isEqualTo(1);
    }
}
