package dev.coxswain.core.pganalysis;

import dev.coxswain.core.pganalysis.SqlLexer.Kind;
import dev.coxswain.core.pganalysis.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, before anything reaches the server, whether user SQL is one read-only query. It is an
 * allow-list on the leading keyword plus a scan for the few ways a query can still write or lock
 * (data-modifying CTEs, {@code SELECT ... INTO}, {@code FOR UPDATE/SHARE}, {@code EXPLAIN ANALYZE})
 * and for calls of functions that act outside a read-only transaction ({@link RefusedFunctions}:
 * large objects, server files, signals, advisory locks, SQL run from a string…).
 * The read-only session, and a transaction that is always rolled back, are the walls behind it;
 * this one gives the user a clear reason instead of a server error, and stops what read-only
 * mode does not.
 */
public final class ReadOnlySqlGuard {
    static final String ALLOWED = "only one read-only query is allowed: SELECT, WITH … SELECT, VALUES, TABLE, SHOW or EXPLAIN (without ANALYZE)";

    private static final Set<String> QUERY_STARTS = Set.of("SELECT", "WITH", "VALUES", "TABLE");
    private static final Set<String> WRITES = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");
    private static final Map<String, String> REFUSED_KINDS = refusedKinds();

    private ReadOnlySqlGuard() {
    }

    /** @throws PgAnalysisException with code {@code refused} when the SQL is not allowed */
    public static void check(String sql) {
        String reason = refusal(sql);
        if (reason != null) throw new PgAnalysisException(PgAnalysisException.REFUSED, "custom_sql refused: " + reason);
    }

    /** @return why the SQL is refused, or null when it may run */
    public static String refusal(String sql) {
        if (sql == null || sql.isBlank()) return "the SQL is empty";
        List<Token> tokens;
        try {
            tokens = SqlLexer.tokenize(sql);
        } catch (SqlLexer.LexException e) {
            return e.getMessage();
        }
        List<List<Token>> statements = split(tokens);
        if (statements.isEmpty()) return "the SQL contains no statement (only comments)";
        if (statements.size() > 1) {
            return "it contains " + statements.size() + " statements; " + ALLOWED;
        }
        String reason = checkStatement(statements.get(0));
        if (reason != null) return reason;
        String call = RefusedFunctions.find(statements.get(0));
        return call == null ? null : "it calls " + call;
    }

    /** Statements separated by top-level semicolons; empty ones (a trailing {@code ;}) are dropped. */
    private static List<List<Token>> split(List<Token> tokens) {
        List<List<Token>> out = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        for (Token t : tokens) {
            if (t.kind() == Kind.SEMICOLON) {
                if (!current.isEmpty()) out.add(current);
                current = new ArrayList<>();
            } else {
                current.add(t);
            }
        }
        if (!current.isEmpty()) out.add(current);
        return out;
    }

    private static String checkStatement(List<Token> s) {
        int i = 0;
        while (i < s.size() && s.get(i).kind() == Kind.LPAREN) i++; // "(SELECT 1) UNION ..." is a query
        if (i >= s.size() || s.get(i).kind() != Kind.WORD) return "it does not start with a keyword; " + ALLOWED;
        String first = s.get(i).text();
        if (first.equals("SHOW")) return null;
        if (first.equals("EXPLAIN")) return checkExplain(s, i + 1);
        if (!QUERY_STARTS.contains(first)) return refusedStart(s, i);
        return checkQueryBody(s, i);
    }

    private static String refusedStart(List<Token> s, int i) {
        String first = s.get(i).text();
        String second = i + 1 < s.size() ? s.get(i + 1).text() : "";
        if ((first.equals("SET") || first.equals("RESET")) && (second.equals("TRANSACTION") || second.equals("SESSION"))) {
            return first + " " + second + " is transaction control; " + ALLOWED;
        }
        String kind = REFUSED_KINDS.get(first);
        return (kind == null ? first + " is not a read-only query" : first + " is " + kind) + "; " + ALLOWED;
    }

    /** EXPLAIN without ANALYZE only plans; with ANALYZE it executes, so a write would run. */
    private static String checkExplain(List<Token> s, int i) {
        if (i < s.size() && s.get(i).kind() == Kind.LPAREN) {
            int depth = 0;
            for (; i < s.size(); i++) {
                Token t = s.get(i);
                if (t.kind() == Kind.LPAREN) depth++;
                if (t.kind() == Kind.RPAREN && --depth == 0) {
                    i++;
                    break;
                }
                if (t.isWord("ANALYZE") || t.isWord("ANALYSE")) return "EXPLAIN ANALYZE executes the statement; " + ALLOWED;
            }
        } else {
            while (i < s.size() && (s.get(i).isWord("ANALYZE") || s.get(i).isWord("ANALYSE") || s.get(i).isWord("VERBOSE"))) {
                if (!s.get(i).isWord("VERBOSE")) return "EXPLAIN ANALYZE executes the statement; " + ALLOWED;
                i++;
            }
        }
        if (i >= s.size()) return "EXPLAIN needs a query; " + ALLOWED;
        String reason = checkStatement(s.subList(i, s.size()));
        return reason == null ? null : "EXPLAIN of a statement that is refused: " + reason;
    }

    /**
     * A query can still write through a data-modifying CTE ({@code WITH d AS (DELETE ...)} or a
     * main statement after the WITH list), create a table ({@code SELECT ... INTO}) or take row
     * locks ({@code FOR UPDATE/SHARE}). A write keyword counts where a statement can start: at the
     * top level or right after an opening parenthesis.
     */
    private static String checkQueryBody(List<Token> s, int start) {
        int depth = 0;
        for (int i = start; i < s.size(); i++) {
            Token t = s.get(i);
            if (t.kind() == Kind.LPAREN) depth++;
            else if (t.kind() == Kind.RPAREN) depth--;
            if (t.kind() != Kind.WORD) continue;
            Token next = i + 1 < s.size() ? s.get(i + 1) : null;
            if (t.isWord("FOR") && next != null && (next.isWord("UPDATE") || next.isWord("SHARE") || next.isWord("NO") || next.isWord("KEY"))) {
                return "SELECT … FOR UPDATE/SHARE takes row locks; " + ALLOWED;
            }
            if (t.isWord("INTO")) return "SELECT … INTO creates a table; " + ALLOWED;
            boolean statementPosition = depth == 0 || s.get(i - 1).kind() == Kind.LPAREN;
            if (statementPosition && WRITES.contains(t.text())) {
                return t.text() + " inside the query is a data-modifying statement (e.g. a data-modifying CTE); " + ALLOWED;
            }
        }
        return null;
    }

    private static Map<String, String> refusedKinds() {
        String dml = "a data-modifying statement (DML)";
        String ddl = "a schema or privilege change (DDL)";
        String tx = "transaction control";
        String session = "a change of session state";
        Map<String, String> m = new java.util.HashMap<>();
        for (String k : List.of("INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY")) m.put(k, dml);
        for (String k : List.of("CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "COMMENT", "SECURITY", "REINDEX",
                "CLUSTER", "REFRESH", "IMPORT", "REASSIGN")) m.put(k, ddl);
        for (String k : List.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE")) m.put(k, tx);
        for (String k : List.of("SET", "RESET", "DISCARD", "LOAD")) m.put(k, session);
        m.put("DO", "an anonymous code block that can do anything");
        m.put("CALL", "a procedure call that can write and commit");
        m.put("LOCK", "an explicit table lock");
        m.put("VACUUM", "maintenance that changes the table");
        m.put("ANALYZE", "maintenance that writes statistics");
        m.put("CHECKPOINT", "a server-wide maintenance command");
        for (String k : List.of("LISTEN", "NOTIFY", "UNLISTEN")) m.put(k, "asynchronous notification");
        for (String k : List.of("EXECUTE", "DEALLOCATE", "DECLARE", "FETCH", "MOVE", "CLOSE")) m.put(k, "prepared statement or cursor control");
        return Map.copyOf(m);
    }
}
