package dev.coxswain.core.pganalysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionControl;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.service.NotFoundException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which failures the engine may retry: a refusal, bad params or a missing connection get the same
 * answer on every attempt, so they are permanent; a server that cannot be reached may come back.
 */
class AnalysisExecutorTest {
    private static final PgTarget TARGET = PgTarget.of("127.0.0.1", 1, "db", "u", null);

    private static ExecutionContext ctx(ObjectNode payload) {
        return new ExecutionContext(1, 1, payload, Map.of(), (level, line) -> { }, new ExecutionControl());
    }

    private static ObjectNode payload(long connection, String sql) {
        ObjectNode p = Json.object().put("connection_id", connection);
        p.putObject("params").put("custom_sql", sql);
        return p;
    }

    private static AnalysisExecutor customSql() {
        return new AnalysisExecutor("custom_sql", id -> {
            if (id == 404) throw new NotFoundException("connection 404 not found");
            return TARGET;
        }, new CustomSqlAnalyzer()::run);
    }

    @Test
    void a_refused_statement_is_a_permanent_failure() {
        ExecutionResult r = customSql().execute(ctx(payload(1, "DROP TABLE x")));
        assertThat(r.success()).isFalse();
        assertThat(r.permanent()).isTrue();
        assertThat(r.error()).startsWith("refused: custom_sql refused: ");
    }

    @Test
    void bad_params_a_missing_connection_id_and_an_unknown_connection_are_permanent() {
        ObjectNode noSql = Json.object().put("connection_id", 1);
        assertThat(customSql().execute(ctx(noSql)).permanent()).isTrue();
        assertThat(customSql().execute(ctx(Json.object())).permanent()).isTrue();
        ExecutionResult unknown = customSql().execute(ctx(payload(404, "SELECT 1")));
        assertThat(unknown.permanent()).isTrue();
        assertThat(unknown.error()).contains("connection 404 does not exist");
    }

    @Test
    void an_unreachable_server_is_retried() {
        ExecutionResult r = customSql().execute(ctx(payload(1, "SELECT 1")));
        assertThat(r.success()).isFalse();
        assertThat(r.permanent()).isFalse();
        assertThat(r.error()).startsWith("connect_failed: ");
    }
}
