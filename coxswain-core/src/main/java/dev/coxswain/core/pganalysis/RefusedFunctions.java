package dev.coxswain.core.pganalysis;

import dev.coxswain.core.pganalysis.SqlLexer.Kind;
import dev.coxswain.core.pganalysis.SqlLexer.Token;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Functions a {@code custom_sql} query may not call although a read-only session lets them run.
 * Read-only mode only stops statements that the executor sees writing; these act below it or
 * outside the database: large objects (written straight into {@code pg_largeobject}, and
 * {@code lo_export} writes a file), files on the server, signals to other sessions, server
 * reloads and WAL switches, advisory locks that outlive the query, sequences (a rollback does not
 * undo them), session settings, sleeps that only hold a connection, and functions that run SQL
 * handed to them as a string, which no lexer can see into.
 *
 * <p>A call is an identifier right before {@code (}: the last part of a qualified name
 * ({@code pg_catalog.lo_export}), quoted or not, in any case, with comments or spaces between. A
 * deny list cannot know every extension's functions; the connection's role is the real boundary,
 * which is why connections warn about powerful roles.
 */
final class RefusedFunctions {
    private static final String LARGE_OBJECTS = "reads or writes large objects (stored at once, outside the read-only "
            + "transaction; lo_import/lo_export touch files on the database server)";
    private static final String FILES = "reads, writes or lists files on the database server";
    private static final String SIGNALS = "signals, stops or reconfigures other sessions or the server";
    private static final String WAL = "changes the server's WAL, backup or replication state";
    private static final String ADVISORY = "takes or releases an advisory lock that outlives the query";
    private static final String SEQUENCES = "advances a sequence (no rollback undoes it)";
    private static final String XID = "assigns a transaction id";
    private static final String SETTINGS = "changes a setting of the session";
    private static final String NOTIFY = "sends a notification to other sessions";
    private static final String SLEEP = "only waits, holding a connection to the analysed server";
    private static final String DYNAMIC = "runs SQL given to it as a string (this check cannot see into it)";
    private static final String REMOTE = "opens a connection or process of its own on the server";
    private static final String CATALOGS = "writes statistics or catalogs";

    private static final Map<String, String> EXACT = exact();
    /** Families matched by name pattern, checked in order. */
    private static final List<Map.Entry<Pattern, String>> FAMILIES = List.of(
            Map.entry(Pattern.compile("lo_.*"), LARGE_OBJECTS),
            Map.entry(Pattern.compile("pg_.*advisory.*"), ADVISORY),
            Map.entry(Pattern.compile("pg_.*file.*|pg_ls_.*"), FILES),
            Map.entry(Pattern.compile("pg_sleep.*"), SLEEP),
            Map.entry(Pattern.compile("(query|cursor|table|schema|database)_to_xml.*"), DYNAMIC),
            Map.entry(Pattern.compile("dblink.*|pg_background.*"), REMOTE),
            Map.entry(Pattern.compile("pg_(create|drop|copy)_.*replication_slot|pg_replication_.*|pg_logical_.*"
                    + "|pg_(wal|xlog)_replay_.*"), WAL),
            Map.entry(Pattern.compile("pg_stat_reset.*|pg_stat_statements_reset|pg_(restore|clear|set)_.*stats"
                    + "|binary_upgrade_.*"), CATALOGS));
    /** Catalog lookups that the file family's pattern would catch: they only read catalogs. */
    private static final Set<String> LOOKUPS = Set.of("pg_relation_filenode", "pg_relation_filepath", "pg_filenode_relation");

    private RefusedFunctions() {
    }

    /** @return the refused call in the tokens of one statement and why ("lo_export(), which …"), or null */
    static String find(List<Token> s) {
        for (int i = 0; i < s.size(); i++) {
            Token t = s.get(i);
            // Escapes can spell any name, and UESCAPE puts a string between the name and its "(".
            if (t.kind() == Kind.QUOTED_IDENT && t.text().startsWith("U&")) {
                return "an identifier with Unicode escapes (U&\"…\"), which could spell any function's name";
            }
            if (i + 1 == s.size() || s.get(i + 1).kind() != Kind.LPAREN) continue;
            String name = t.name();
            String why = name == null ? null : reason(name);
            if (why != null) return name + "(), which " + why;
        }
        return null;
    }

    /** @param name a lower-case function name without its schema */
    static String reason(String name) {
        if (LOOKUPS.contains(name)) return null;
        String why = EXACT.get(name);
        if (why != null) return why;
        for (Map.Entry<Pattern, String> f : FAMILIES) {
            if (f.getKey().matcher(name).matches()) return f.getValue();
        }
        return null;
    }

    private static Map<String, String> exact() {
        Map<String, String> m = new HashMap<>();
        for (String f : List.of("loread", "lowrite")) m.put(f, LARGE_OBJECTS);
        m.put("pg_logdir_ls", FILES); // adminpack's, outside the pg_*file* / pg_ls_* families
        for (String f : List.of("pg_cancel_backend", "pg_terminate_backend", "pg_reload_conf", "pg_rotate_logfile",
                "pg_promote", "pg_log_backend_memory_contexts", "pg_log_standby_snapshot")) {
            m.put(f, SIGNALS);
        }
        for (String f : List.of("pg_switch_wal", "pg_switch_xlog", "pg_create_restore_point", "pg_start_backup",
                "pg_stop_backup", "pg_backup_start", "pg_backup_stop")) {
            m.put(f, WAL);
        }
        for (String f : List.of("nextval", "setval")) m.put(f, SEQUENCES);
        for (String f : List.of("txid_current", "pg_current_xact_id")) m.put(f, XID);
        m.put("set_config", SETTINGS);
        m.put("pg_notify", NOTIFY);
        for (String f : List.of("ts_stat", "ts_rewrite")) m.put(f, DYNAMIC);
        for (String f : List.of("pg_import_system_collations", "pg_nextoid")) m.put(f, CATALOGS);
        return Map.copyOf(m);
    }
}
