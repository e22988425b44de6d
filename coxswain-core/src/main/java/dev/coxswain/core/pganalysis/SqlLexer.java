package dev.coxswain.core.pganalysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Just enough of PostgreSQL's lexical rules to know which characters are code: single-quoted
 * strings (with {@code ''} and, in {@code E'...'}, backslash escapes), double-quoted identifiers,
 * dollar quotes ({@code $$...$$}, {@code $tag$...$tag$}), {@code --} comments and nested
 * {@code /* *\/} comments. A {@code ;} or a keyword inside any of those is not a token, which is
 * what {@link ReadOnlySqlGuard} relies on. Comments produce no tokens at all.
 */
final class SqlLexer {
    enum Kind { WORD, QUOTED_IDENT, STRING, SEMICOLON, LPAREN, RPAREN, OTHER }

    /**
     * {@code text} of a WORD is upper-cased so callers compare keywords directly; a QUOTED_IDENT
     * keeps its quotes (and a {@code U&} prefix).
     */
    record Token(Kind kind, String text) {
        boolean isWord(String upper) {
            return kind == Kind.WORD && text.equals(upper);
        }

        /**
         * The name an identifier token stands for, folded to lower case (quoted names too: folding
         * can only make a refused name match more often), or null when it is no plain identifier.
         */
        String name() {
            if (kind == Kind.WORD) return text.toLowerCase(Locale.ROOT);
            if (kind == Kind.QUOTED_IDENT && text.startsWith("\"")) {
                return text.substring(1, text.length() - 1).replace("\"\"", "\"").toLowerCase(Locale.ROOT);
            }
            return null;
        }
    }

    static final class LexException extends RuntimeException {
        LexException(String message) {
            super(message);
        }
    }

    private final String sql;
    private int pos;

    private SqlLexer(String sql) {
        this.sql = sql;
    }

    static List<Token> tokenize(String sql) {
        return new SqlLexer(sql).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '-' && peek(1) == '-') {
                int nl = sql.indexOf('\n', pos);
                pos = nl < 0 ? sql.length() : nl + 1;
            } else if (c == '/' && peek(1) == '*') {
                skipBlockComment();
            } else if (c == '\'') {
                out.add(new Token(Kind.STRING, readQuoted('\'', false)));
            } else if (c == '"') {
                out.add(new Token(Kind.QUOTED_IDENT, readQuoted('"', false)));
            } else if (c == '$' && isDollarQuoteStart()) {
                out.add(new Token(Kind.STRING, readDollarQuoted()));
            } else if (isWordStart(c)) {
                int start = pos;
                while (pos < sql.length() && isWordPart(sql.charAt(pos))) pos++;
                String word = sql.substring(start, pos);
                // E'..' and U&'..' / B'..' / X'..' are string literals with a one-letter prefix.
                if (pos < sql.length() && sql.charAt(pos) == '\'' && word.length() == 1) {
                    boolean backslashEscapes = word.equalsIgnoreCase("e");
                    out.add(new Token(Kind.STRING, readQuoted('\'', backslashEscapes)));
                } else if (word.equalsIgnoreCase("u") && peek(0) == '&' && (peek(1) == '\'' || peek(1) == '"')) {
                    char q = peek(1);
                    pos++;
                    // The prefix stays on the text: escapes can spell any name, which the guard must know.
                    out.add(new Token(q == '\'' ? Kind.STRING : Kind.QUOTED_IDENT, "U&" + readQuoted(q, false)));
                } else {
                    out.add(new Token(Kind.WORD, word.toUpperCase(Locale.ROOT)));
                }
            } else if (c == ';') {
                out.add(new Token(Kind.SEMICOLON, ";"));
                pos++;
            } else if (c == '(') {
                out.add(new Token(Kind.LPAREN, "("));
                pos++;
            } else if (c == ')') {
                out.add(new Token(Kind.RPAREN, ")"));
                pos++;
            } else {
                out.add(new Token(Kind.OTHER, String.valueOf(c)));
                pos++;
            }
        }
        return out;
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < sql.length() ? sql.charAt(i) : '\0';
    }

    private void skipBlockComment() {
        int depth = 0;
        while (pos < sql.length()) {
            if (sql.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (sql.startsWith("*/", pos)) {
                depth--;
                pos += 2;
                if (depth == 0) return;
            } else {
                pos++;
            }
        }
        throw new LexException("unterminated /* comment");
    }

    private String readQuoted(char quote, boolean backslashEscapes) {
        int start = pos++;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (backslashEscapes && c == '\\') {
                pos += 2;
            } else if (c == quote) {
                if (peek(1) == quote) {
                    pos += 2; // doubled quote is an escaped quote, not the end
                } else {
                    pos++;
                    return sql.substring(start, pos);
                }
            } else {
                pos++;
            }
        }
        throw new LexException(quote == '\'' ? "unterminated quoted string" : "unterminated quoted identifier");
    }

    /** {@code $1} is a parameter, {@code $$} or {@code $tag$} opens a dollar quote. */
    private boolean isDollarQuoteStart() {
        int i = pos + 1;
        if (i < sql.length() && sql.charAt(i) == '$') return true;
        if (i >= sql.length() || !isWordStart(sql.charAt(i))) return false;
        while (i < sql.length() && isTagPart(sql.charAt(i))) i++;
        return i < sql.length() && sql.charAt(i) == '$';
    }

    private String readDollarQuoted() {
        int close = sql.indexOf('$', pos + 1);
        String tag = sql.substring(pos, close + 1);
        int end = sql.indexOf(tag, close + 1);
        if (end < 0) throw new LexException("unterminated dollar-quoted string " + tag);
        String body = sql.substring(pos, end + tag.length());
        pos = end + tag.length();
        return body;
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_' || c > 127;
    }

    private static boolean isWordPart(char c) {
        return isWordStart(c) || Character.isDigit(c) || c == '$';
    }

    private static boolean isTagPart(char c) {
        return isWordStart(c) || Character.isDigit(c);
    }
}
