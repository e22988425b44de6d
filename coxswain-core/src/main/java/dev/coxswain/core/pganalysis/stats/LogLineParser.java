package dev.coxswain.core.pganalysis.stats;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the stderr log format for a given {@code log_line_prefix}. The prefix is compiled into a
 * regular expression escape by escape, so any prefix works as long as the parts we need (%m/%t
 * for the time, %p, %u, %d, %e) are recognisable; %q makes the rest of the prefix optional, as
 * the server omits it for background processes.
 */
final class LogLineParser {
    static final String DEBIAN_DEFAULT_PREFIX = "%m [%p] %q%u@%d ";
    private static final String LEVELS = "DEBUG[1-5]|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC";
    private static final String EXTRAS = "DETAIL|HINT|QUERY|CONTEXT|LOCATION|STATEMENT";
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");

    private final Pattern line;
    private final ZoneId fallbackZone;
    int unparsedLines;

    LogLineParser(String prefix, ZoneId fallbackZone) {
        this.line = Pattern.compile("^" + prefixRegex(prefix == null ? DEBIAN_DEFAULT_PREFIX : prefix)
                + "(?<level>" + LEVELS + "|" + EXTRAS + "):  (?<msg>.*)$");
        this.fallbackZone = fallbackZone == null ? ZoneOffset.UTC : fallbackZone;
    }

    static String prefixRegex(String prefix) {
        StringBuilder re = new StringBuilder();
        Set<String> used = new HashSet<>();
        boolean optional = false;
        for (int i = 0; i < prefix.length(); i++) {
            char ch = prefix.charAt(i);
            if (ch != '%' || i + 1 >= prefix.length()) {
                re.append(Pattern.quote(String.valueOf(ch)));
                continue;
            }
            i++;
            // Padding like %-10u: the field is space-padded, so allow spaces around it.
            boolean padded = false;
            while (i < prefix.length() && (prefix.charAt(i) == '-' || Character.isDigit(prefix.charAt(i)))) {
                i++;
                padded = true;
            }
            if (i >= prefix.length()) break;
            char e = prefix.charAt(i);
            if (padded) re.append(" *");
            switch (e) {
                case 'm' -> re.append(group(used, "ts", "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} \\S+"));
                case 't' -> re.append(group(used, "ts", "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\S+"));
                case 'p' -> re.append(group(used, "pid", "\\d+"));
                case 'e' -> re.append(group(used, "sqlstate", "[0-9A-Z]{5}"));
                // \S* rather than .*? keeps a message containing "@" from being mistaken for user@db.
                case 'u' -> re.append(group(used, "user", "\\S*"));
                case 'd' -> re.append(group(used, "db", "\\S*"));
                case 'q' -> {
                    if (!optional) re.append("(?:");
                    optional = true;
                }
                case '%' -> re.append("%");
                default -> re.append(".*?");
            }
            if (padded) re.append(" *");
        }
        if (optional) re.append(")?");
        return re.toString();
    }

    private static String group(Set<String> used, String name, String body) {
        return used.add(name) ? "(?<" + name + ">" + body + ")" : "(?:" + body + ")";
    }

    List<LogEntry> parse(String text) {
        List<LogEntry> out = new ArrayList<>();
        LogEntry last = null;
        for (String raw : text.split("\r?\n")) {
            if (raw.isEmpty()) continue;
            Matcher m = line.matcher(raw);
            if (!m.matches()) {
                if (last != null) last.continueLast(raw);
                else unparsedLines++;
                continue;
            }
            String level = m.group("level");
            if (LogLevels.rank(level) < 0) {
                if (last != null) last.addExtra(level, m.group("msg"));
                else unparsedLines++;
                continue;
            }
            last = new LogEntry(time(opt(m, "ts")), level, opt(m, "pid"), opt(m, "user"), opt(m, "db"), opt(m, "sqlstate"), m.group("msg"));
            out.add(last);
        }
        return out;
    }

    private static String opt(Matcher m, String name) {
        try {
            return m.group(name);
        } catch (IllegalArgumentException e) {
            return null; // the prefix has no such escape
        }
    }

    OffsetDateTime time(String ts) {
        if (ts == null) return null;
        int sp = ts.lastIndexOf(' ');
        LocalDateTime local = LocalDateTime.parse(ts.substring(0, sp), LOCAL);
        return local.atZone(zone(ts.substring(sp + 1))).toOffsetDateTime();
    }

    /** %m prints the zone abbreviation (UTC, MSK, +03); abbreviations Java does not know use log_timezone. */
    private ZoneId zone(String token) {
        try {
            if (token.startsWith("+") || token.startsWith("-")) return ZoneOffset.of(token);
            return ZoneId.of(token, ZoneId.SHORT_IDS);
        } catch (RuntimeException e) {
            return fallbackZone;
        }
    }
}
