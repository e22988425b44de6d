package dev.coxswain.core.pganalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgTargetTest {
    @Test
    void to_string_never_shows_the_password() {
        PgTarget t = PgTarget.of("db.example", 5433, "app", "reader", "s3cret-Pa55");
        assertThat(t.toString()).doesNotContain("s3cret-Pa55").contains("password=***", "host=db.example", "port=5433");
        assertThat(t.sslmode()).isEqualTo("prefer");
        assertThat(t.connectTimeoutSeconds()).isEqualTo(PgTarget.DEFAULT_CONNECT_TIMEOUT_SECONDS);
    }

    @Test
    void reads_a_jdbc_url() {
        PgTarget t = PgTarget.fromJdbcUrl("jdbc:postgresql://127.0.0.1:5432/coxswain_test_x?user=postgres&password=p%40ss&sslmode=disable");
        assertThat(t.host()).isEqualTo("127.0.0.1");
        assertThat(t.port()).isEqualTo(5432);
        assertThat(t.database()).isEqualTo("coxswain_test_x");
        assertThat(t.user()).isEqualTo("postgres");
        assertThat(t.password()).isEqualTo("p@ss");
        assertThat(t.sslmode()).isEqualTo("disable");
        assertThat(PgTarget.fromJdbcUrl("jdbc:postgresql://[::1]/db?user=u").host()).isEqualTo("::1");
    }

    @Test
    void rejects_bad_values() {
        assertThatThrownBy(() -> PgTarget.of("", 5432, "d", "u", null)).hasMessageContaining("host");
        assertThatThrownBy(() -> PgTarget.of("h", 0, "d", "u", null)).hasMessageContaining("port");
        assertThatThrownBy(() -> new PgTarget("h", 5432, "d", "u", null, "sometimes", 0, 0)).hasMessageContaining("sslmode");
    }

    @Test
    void connect_errors_name_the_target_but_not_the_password() {
        // Port 1 on loopback: nothing listens, so the connection is refused quickly.
        PgTarget t = new PgTarget("127.0.0.1", 1, "nope", "someone", "TopSecret123", "disable", 2, 5);
        assertThatThrownBy(() -> PgSession.open(t))
                .isInstanceOf(PgAnalysisException.class)
                .hasMessageContaining("127.0.0.1:1/nope")
                .hasMessageNotContaining("TopSecret123")
                .satisfies(e -> assertThat(((PgAnalysisException) e).code()).isEqualTo(PgAnalysisException.CONNECT_FAILED));
    }
}
