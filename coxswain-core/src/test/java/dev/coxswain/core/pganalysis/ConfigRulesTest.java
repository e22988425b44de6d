package dev.coxswain.core.pganalysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.pganalysis.ConfigCheck.Severity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules on crafted settings: no database needed. */
class ConfigRulesTest {
    private static final String GB16 = Long.toString(16 * PgUnits.GB);

    /** A well-tuned 16GB server; each test spoils one thing. */
    private static Map<String, String> good() {
        Map<String, String> m = new HashMap<>();
        m.put(ConfigRules.FACT_RAM, GB16);
        m.put("shared_buffers", "4GB");
        m.put("effective_cache_size", "12GB");
        m.put("work_mem", "16MB");
        m.put("max_connections", "100");
        m.put("maintenance_work_mem", "512MB");
        m.put("max_wal_size", "4GB");
        m.put("checkpoint_timeout", "15min");
        m.put("checkpoint_completion_target", "0.9");
        m.put("wal_compression", "lz4");
        m.put("fsync", "on");
        m.put("full_page_writes", "on");
        m.put("synchronous_commit", "on");
        m.put("autovacuum", "on");
        m.put("track_counts", "on");
        m.put("autovacuum_naptime", "1min");
        m.put("autovacuum_vacuum_scale_factor", "0.1");
        m.put("autovacuum_analyze_scale_factor", "0.05");
        m.put("autovacuum_max_workers", "5");
        m.put("log_min_duration_statement", "1s");
        m.put("log_checkpoints", "on");
        m.put("log_lock_waits", "on");
        m.put("log_temp_files", "0");
        m.put("superuser_reserved_connections", "3");
        m.put("idle_in_transaction_session_timeout", "10min");
        m.put("random_page_cost", "1.1");
        m.put("seq_page_cost", "1");
        m.put("effective_io_concurrency", "200");
        m.put("password_encryption", "scram-sha-256");
        m.put("ssl", "on");
        m.put("listen_addresses", "10.0.0.5");
        m.put(ConfigRules.FACT_LOGIN_SUPERUSERS, "postgres");
        m.put(ConfigRules.FACT_CURRENT_USER_SUPERUSER, "off");
        m.put(ConfigRules.FACT_NO_PASSWORD, "");
        m.put(ConfigRules.FACT_HBA_TRUST, "");
        return m;
    }

    private static List<ConfigCheck> run(Map<String, String> m) {
        return new ConfigRules(m, Lang.EN).evaluate(true, true);
    }

    private static ConfigCheck check(Map<String, String> m, String id) {
        return run(m).stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no check " + id));
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> m = good();
        m.put(key, value);
        return m;
    }

    @Test
    void a_well_tuned_server_is_all_ok() {
        List<ConfigCheck> checks = run(good());
        assertThat(checks).allSatisfy(c -> assertThat(c.severity()).as(c.toString()).isEqualTo(Severity.OK));
        assertThat(checks).hasSize(33); // 6 memory, 7 wal, 6 autovacuum, 4 logging, 3 connections, 1 planner, 6 security
    }

    @Test
    void memory_rules_use_ram_when_known() {
        ConfigCheck sb = check(with("shared_buffers", "128MB"), "shared_buffers");
        assertThat(sb.severity()).isEqualTo(Severity.WARNING);
        assertThat(sb.current()).isEqualTo("128MB");
        assertThat(sb.recommended()).isEqualTo("4GB");
        assertThat(sb.recommendation()).isEqualTo("Raise shared_buffers to 4GB (25% of RAM)");
        assertThat(check(with("shared_buffers", "10GB"), "shared_buffers").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("effective_cache_size", "4GB"), "effective_cache_size").recommended()).isEqualTo("12GB");
        assertThat(check(with("effective_cache_size", "32GB"), "effective_cache_size").severity()).isEqualTo(Severity.WARNING);
        Map<String, String> oom = with("work_mem", "256MB");
        ConfigCheck total = check(oom, "work_mem_x_max_connections");
        assertThat(total.severity()).isEqualTo(Severity.WARNING);
        assertThat(total.current()).isEqualTo("256MB × 100 = 25GB");
        assertThat(total.recommended()).isEqualTo("work_mem ≤ 40MB");
        assertThat(check(with("work_mem", "64kB"), "work_mem").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("maintenance_work_mem", "1MB"), "maintenance_work_mem").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("maintenance_work_mem", "8GB"), "maintenance_work_mem").recommended()).isEqualTo("1GB");
    }

    @Test
    void unknown_ram_is_said_and_ram_relative_checks_are_skipped() {
        Map<String, String> m = good();
        m.remove(ConfigRules.FACT_RAM);
        m.put(ConfigRules.FACT_RAM_UNKNOWN, "needs superuser");
        m.put("shared_buffers", "128MB");
        m.put("work_mem", "1GB");
        ConfigCheck ram = check(m, "total_ram");
        assertThat(ram.severity()).isEqualTo(Severity.INFO);
        assertThat(ram.current()).isEqualTo("unknown");
        assertThat(ram.why()).contains("needs superuser", "skipped");
        assertThat(check(m, "shared_buffers").severity()).isEqualTo(Severity.INFO);
        assertThat(run(m)).noneMatch(c -> c.id().equals("work_mem_x_max_connections"));
        m.put("effective_cache_size", "64MB");
        assertThat(check(m, "effective_cache_size").severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void wal_and_checkpoint_rules() {
        assertThat(check(with("max_wal_size", "256MB"), "max_wal_size").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("checkpoint_timeout", "30s"), "checkpoint_timeout").recommended()).isEqualTo("15min");
        assertThat(check(with("checkpoint_completion_target", "0.5"), "checkpoint_completion_target").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("wal_compression", "off"), "wal_compression").severity()).isEqualTo(Severity.INFO);
        assertThat(check(with("fsync", "off"), "fsync").severity()).isEqualTo(Severity.ERROR);
        assertThat(check(with("full_page_writes", "off"), "full_page_writes").severity()).isEqualTo(Severity.ERROR);
        assertThat(check(with("synchronous_commit", "off"), "synchronous_commit").severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void autovacuum_rules() {
        assertThat(check(with("autovacuum", "off"), "autovacuum").severity()).isEqualTo(Severity.ERROR);
        assertThat(check(with("track_counts", "off"), "track_counts").severity()).isEqualTo(Severity.ERROR);
        assertThat(check(with("autovacuum_naptime", "10min"), "autovacuum_naptime").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("autovacuum_vacuum_scale_factor", "0.4"), "autovacuum_vacuum_scale_factor").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("autovacuum_analyze_scale_factor", "0.2"), "autovacuum_analyze_scale_factor").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("autovacuum_max_workers", "1"), "autovacuum_max_workers").severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void logging_and_connection_rules() {
        assertThat(check(with("log_min_duration_statement", "-1"), "log_min_duration_statement").severity()).isEqualTo(Severity.INFO);
        assertThat(check(with("log_min_duration_statement", "0"), "log_min_duration_statement").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("log_checkpoints", "off"), "log_checkpoints").severity()).isEqualTo(Severity.INFO);
        assertThat(check(with("log_lock_waits", "off"), "log_lock_waits").severity()).isEqualTo(Severity.INFO);
        assertThat(check(with("log_temp_files", "-1"), "log_temp_files").severity()).isEqualTo(Severity.INFO);
        assertThat(check(with("max_connections", "2000"), "max_connections").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("superuser_reserved_connections", "0"), "superuser_reserved_connections").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("idle_in_transaction_session_timeout", "0"), "idle_in_transaction_session_timeout").severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void random_page_cost_against_ssd_hints() {
        Map<String, String> hdd = with("random_page_cost", "4");
        hdd.put("effective_io_concurrency", "1");
        assertThat(check(hdd, "random_page_cost").severity()).isEqualTo(Severity.OK);
        Map<String, String> ssd = with("random_page_cost", "4");
        ConfigCheck c = check(ssd, "random_page_cost");
        assertThat(c.severity()).isEqualTo(Severity.WARNING);
        assertThat(c.why()).contains("SSD");
        assertThat(c.recommended()).isEqualTo("1.1");
        assertThat(check(with("random_page_cost", "8"), "random_page_cost").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("random_page_cost", "0.5"), "random_page_cost").why()).contains("never cheaper");
    }

    @Test
    void security_rules() {
        assertThat(check(with("password_encryption", "md5"), "password_encryption").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("ssl", "off"), "ssl").severity()).isEqualTo(Severity.WARNING);
        assertThat(check(with("listen_addresses", "localhost, *"), "listen_addresses").severity()).isEqualTo(Severity.WARNING);
        ConfigCheck su = check(with(ConfigRules.FACT_LOGIN_SUPERUSERS, "admin\npostgres"), "login_superusers");
        assertThat(su.severity()).isEqualTo(Severity.WARNING);
        assertThat(su.current()).isEqualTo("admin, postgres");
        assertThat(check(with(ConfigRules.FACT_CURRENT_USER_SUPERUSER, "on"), "analysis_role").severity()).isEqualTo(Severity.INFO);
        assertThat(check(with(ConfigRules.FACT_NO_PASSWORD, "app\nreport"), "roles_without_password").current()).isEqualTo("app, report");
        ConfigCheck remote = check(with(ConfigRules.FACT_HBA_TRUST, "88|local|\n95|host|0.0.0.0/0"), "hba_trust");
        assertThat(remote.severity()).isEqualTo(Severity.ERROR);
        assertThat(remote.current()).isEqualTo("line 95 host 0.0.0.0/0");
        assertThat(check(with(ConfigRules.FACT_HBA_TRUST, "88|local|\n90|host|127.0.0.1"), "hba_trust").severity()).isEqualTo(Severity.WARNING);

        Map<String, String> unreadable = good();
        unreadable.remove(ConfigRules.FACT_NO_PASSWORD);
        unreadable.remove(ConfigRules.FACT_HBA_TRUST);
        unreadable.put(ConfigRules.FACT_NO_PASSWORD_UNKNOWN, "pg_authid is readable only by superusers");
        unreadable.put(ConfigRules.FACT_HBA_TRUST_UNKNOWN, "not readable");
        assertThat(check(unreadable, "roles_without_password").severity()).isEqualTo(Severity.INFO);
        assertThat(check(unreadable, "roles_without_password").why()).contains("pg_authid");
        assertThat(check(unreadable, "hba_trust").current()).isEqualTo("unknown");
    }

    @Test
    void groups_select_rules_and_missing_inputs_are_not_counted() {
        List<ConfigCheck> perf = new ConfigRules(good(), Lang.EN).evaluate(true, false);
        List<ConfigCheck> sec = new ConfigRules(good(), Lang.EN).evaluate(false, true);
        assertThat(perf).noneMatch(c -> c.category().equals(ConfigRules.SECURITY));
        assertThat(sec).allMatch(c -> c.category().equals(ConfigRules.SECURITY));
        assertThat(perf.size() + sec.size()).isEqualTo(run(good()).size());
        assertThat(new ConfigRules(Map.of("work_mem", "64kB"), Lang.EN).evaluate(true, true))
                .extracting(ConfigCheck::id).containsExactly("total_ram", "work_mem");
    }

    @Test
    void the_report_has_the_seed_keys_in_russian_by_default() {
        Map<String, String> m = with("work_mem", "64kB");
        m.put("autovacuum", "off");
        m.put("server_version", "15.20");
        m.put("server_version_num", "150020");
        List<ConfigCheck> checks = new ConfigRules(m, Lang.RU).evaluate(true, true);
        ObjectNode r = ConfigCheckAnalyzer.report(m, checks, Lang.RU);
        assertThat(r.get("checks_performed").asInt()).isEqualTo(checks.size());
        // Counts, as the seed prints them ("warnings": 2, "errors": 0); the lines themselves are the details.
        assertThat(r.get("warnings").isInt()).isTrue();
        assertThat(r.get("warnings").asInt()).isEqualTo(1);
        assertThat(r.get("errors").isInt()).isTrue();
        assertThat(r.get("errors").asInt()).isEqualTo(1);
        assertThat(r.get("warning_details")).hasSize(1);
        assertThat(r.get("warning_details").get(0).asText()).startsWith("work_mem = 64kB: ").contains("временные файлы");
        assertThat(r.get("error_details").get(0).asText()).startsWith("autovacuum = off: ");
        assertThat(r.fieldNames()).toIterable().startsWith("checks_performed", "warnings", "errors", "recommendations");
        assertThat(r.get("recommendations").toString()).contains("Увеличить work_mem до 4MB", "Включить autovacuum");
        assertThat(r.get("checks").get(0).fieldNames()).toIterable()
                .containsExactly("id", "category", "severity", "current", "recommended", "why");
        assertThat(r.get("summary").get("error").asInt()).isEqualTo(1);
        assertThat(r.get("server").get("version_num").asInt()).isEqualTo(150020);
        assertThat(r.get("server").get("total_ram").asText()).isEqualTo("16GB");
        assertThat(r.get("language").asText()).isEqualTo("ru");
    }

    @Test
    void units_fold_pg_settings_into_one_value() {
        assertThat(PgUnits.fromPgSettings("16384", "8kB")).isEqualTo("131072kB");
        assertThat(PgUnits.bytes(PgUnits.fromPgSettings("16384", "8kB"))).isEqualTo(128 * PgUnits.MB);
        assertThat(PgUnits.fromPgSettings("-1", "kB")).isEqualTo("-1");
        assertThat(PgUnits.fromPgSettings("300", "s")).isEqualTo("300s");
        assertThat(PgUnits.millis("5min")).isEqualTo(300_000L);
        assertThat(PgUnits.formatBytes(131072 * PgUnits.KB)).isEqualTo("128MB");
        assertThat(PgUnits.formatMillis(300_000)).isEqualTo("5min");
        assertThat(PgUnits.bytes("lots")).isNull();
    }
}
