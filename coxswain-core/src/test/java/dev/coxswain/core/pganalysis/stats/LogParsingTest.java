package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log parser and grouping on crafted text: no database needed, always runs. */
class LogParsingTest {
    static final String DEBIAN_LOG = """
            2026-12-01 09:00:00.000 UTC [100] LOG:  checkpoint starting: time
            2026-12-01 10:00:01.123 UTC [2194] LOG:  checkpoints are occurring too frequently (24 seconds apart)
            2026-12-01 10:00:01.123 UTC [2194] HINT:  Consider increasing the configuration parameter "max_wal_size".
            2026-12-01 10:00:02.000 UTC [3001] app@shop ERROR:  deadlock detected
            2026-12-01 10:00:02.000 UTC [3001] app@shop DETAIL:  Process 3001 waits for ShareLock on transaction 901; blocked by process 3002.
            \tProcess 3002 waits for ShareLock on transaction 900; blocked by process 3001.
            2026-12-01 10:00:02.000 UTC [3001] app@shop STATEMENT:  UPDATE accounts
            \t  SET balance = 0 WHERE id = 2
            2026-12-01 10:00:03.500 UTC [3005] bob@shop FATAL:  password authentication failed for user "bob"
            2026-12-01 10:00:03.501 UTC [3005] bob@shop DETAIL:  Connection matched pg_hba.conf line 99: "host all all 0.0.0.0/0 scram-sha-256"
            2026-12-01 10:00:04.000 UTC [3006] eve@shop FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "eve", database "shop", no encryption
            2026-12-01 10:00:05.000 UTC [3007] app@shop ERROR:  relation "missing_17" does not exist at character 15
            2026-12-01 10:00:06.000 UTC [3008] app@shop ERROR:  relation "missing_18" does not exist at character 15
            2026-12-01 10:00:07.000 UTC [3009] app@shop WARNING:  there is no transaction in progress
            2026-12-01 10:00:08.000 UTC [3010] app@shop ERROR:  canceling statement due to lock timeout
            2026-12-01 10:00:09.000 UTC [3011] app@shop ERROR:  canceling statement due to statement timeout
            2026-12-01 10:00:10.000 UTC [3012] [unknown]@[unknown] FATAL:  sorry, too many clients already
            2026-12-01 10:00:11.000 UTC [3013] app@shop ERROR:  out of memory
            2026-12-01 10:00:12.000 UTC [3014] app@shop NOTICE:  table "x" does not exist, skipping
            garbage that is not a log line at the very start would be unparsed, but here it continues the last entry
            """;

    static List<LogEntry> parse(String prefix, String text) {
        return new LogLineParser(prefix, ZoneId.of("UTC")).parse(text);
    }

    @Test
    void parsesTheDebianPrefixWithAndWithoutSessionFields() {
        List<LogEntry> e = parse("%m [%p] %q%u@%d ", DEBIAN_LOG);
        assertThat(e).hasSize(13);
        assertThat(e.get(0).user).isNull();
        assertThat(e.get(1).message).startsWith("checkpoints are occurring too frequently");
        assertThat(e.get(1).extra.get("hint")).contains("max_wal_size");
        LogEntry deadlock = e.get(2);
        assertThat(deadlock.level).isEqualTo("ERROR");
        assertThat(deadlock.user).isEqualTo("app");
        assertThat(deadlock.database).isEqualTo("shop");
        assertThat(deadlock.pid).isEqualTo("3001");
        assertThat(deadlock.time).isEqualTo(OffsetDateTime.parse("2026-12-01T10:00:02Z"));
        assertThat(deadlock.extra.get("detail")).contains("blocked by process 3002", "Process 3002 waits");
        assertThat(deadlock.extra.get("statement")).contains("UPDATE accounts", "SET balance = 0");
        assertThat(e.get(10).user).isEqualTo("[unknown]");
    }

    @Test
    void parsesThePlainPrefixAndOtherZones() {
        String text = """
                2026-12-01 13:00:02.000 +03 [3001] ERROR:  deadlock detected
                2026-12-01 13:00:03.000 MSK [3002] LOG:  database system is ready to accept connections
                """;
        List<LogEntry> e = new LogLineParser("%m [%p] ", ZoneId.of("Europe/Moscow")).parse(text);
        assertThat(e).hasSize(2);
        assertThat(e.get(0).time).isEqualTo(OffsetDateTime.parse("2026-12-01T10:00:02Z"));
        assertThat(e.get(1).time.toInstant()).isEqualTo(OffsetDateTime.parse("2026-12-01T10:00:03Z").toInstant());
        assertThat(e.get(0).user).isNull();
    }

    @Test
    void usesTheSqlstateWhenThePrefixLogsIt() {
        List<LogEntry> e = parse("%m [%p] %e %q%u@%d ", "2026-12-01 10:00:00.000 UTC [1] 40P01 a@b ERROR:  взаимоблокировка\n");
        assertThat(e.get(0).sqlstate).isEqualTo("40P01");
        assertThat(LogDigest.kindOf(e.get(0)).name()).isEqualTo("deadlock");
    }

    @Test
    void groupsKnownProblemsCountsLevelsAndNormalisesMessages() {
        Findings f = new Findings();
        ObjectNode d = LogDigest.digest(parse(null, DEBIAN_LOG), OffsetDateTime.parse("2026-12-01T09:30:00Z"), "WARNING", Lang.EN, f);
        // The 09:00 checkpoint is out of range; the NOTICE is below WARNING.
        assertThat(d.path("entries_in_range").asInt()).isEqualTo(11);
        assertThat(d.path("counts_by_level").path("ERROR").asInt()).isEqualTo(6);
        assertThat(d.path("counts_by_level").path("FATAL").asInt()).isEqualTo(3);
        assertThat(d.path("counts_by_level").path("LOG").asInt()).isEqualTo(1);
        assertThat(d.path("counts_by_level").has("NOTICE")).isFalse();
        JsonNode top = d.path("top_messages").get(0);
        assertThat(top.path("message").asText()).isEqualTo("relation ? does not exist at character N");
        assertThat(top.path("count").asInt()).isEqualTo(2);

        assertThat(problem(d, "authentication_failure").path("count").asInt()).isEqualTo(2);
        assertThat(problem(d, "deadlock").path("example_detail").asText()).contains("ShareLock");
        assertThat(problem(d, "checkpoints_too_frequent").path("recommendation").asText()).contains("max_wal_size");
        for (String k : List.of("lock_timeout", "statement_timeout", "too_many_connections", "out_of_memory")) {
            assertThat(problem(d, k).path("count").asInt()).as(k).isEqualTo(1);
            assertThat(problem(d, k).path("source").asText()).isEqualTo("server_log");
        }
        assertThat(f.items()).hasSize(7);
        assertThat(problem(d, "deadlock").path("first_seen").asText()).isEqualTo("2026-12-01T10:00:02Z");
    }

    @Test
    void normalisesLiteralsAndNumbers() {
        assertThat(LogDigest.normalise("duplicate key value violates unique constraint \"t_pkey\" Key (id)=(42) 'it''s' 3.5"))
                .isEqualTo("duplicate key value violates unique constraint ? Key (id)=(N) ? N");
        assertThat(LogLevels.rank("debug3")).isEqualTo(LogLevels.rank("DEBUG"));
        assertThat(LogLevels.rank("LOG")).isGreaterThan(LogLevels.rank("ERROR"));
        assertThat(new LogAnalysisParams(0, "bogus", " ", 0, null).logLevel()).isEqualTo("WARNING");
    }

    static JsonNode problem(JsonNode d, String kind) {
        for (JsonNode p : d.path("problems")) if (p.path("kind").asText().equals(kind)) return p;
        throw new AssertionError("no problem " + kind + " in " + d.path("problems"));
    }
}
