package dev.coxswain.server.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, as Prometheus itself reads it:
 * HELP/TYPE lines, metric and label names, escaped label values, float values (NaN, ±Inf),
 * optional timestamps; a family's TYPE before its samples and its samples together; no series
 * twice; histograms with cumulative {@code le} buckets ending in {@code +Inf} equal to
 * {@code _count}. Any violation throws {@link IllegalArgumentException} naming the line.
 */
final class PrometheusTextParser {
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final Set<String> closed = new HashSet<>();
    private final Set<String> series = new HashSet<>();
    private String current;

    static Map<String, Family> parse(String text) {
        PrometheusTextParser p = new PrometheusTextParser();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            try {
                p.line(lines[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + lines[i], e);
            }
        }
        p.checkHistograms();
        return p.families;
    }

    private void line(String l) {
        if (l.isEmpty()) return;
        if (l.startsWith("#")) {
            String[] parts = l.split(" ", 4);
            if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                String name = parts[2];
                if (!METRIC.matcher(name).matches()) throw new IllegalArgumentException("bad metric name");
                Family f = family(name);
                if (parts[1].equals("TYPE")) {
                    if (parts.length != 4 || !TYPES.contains(parts[3])) throw new IllegalArgumentException("bad TYPE");
                    if (f.type() != null) throw new IllegalArgumentException("second TYPE for " + name);
                    if (!f.samples().isEmpty()) throw new IllegalArgumentException("TYPE after samples of " + name);
                    families.put(name, new Family(name, parts[3], f.help(), f.samples()));
                } else {
                    if (f.help() != null) throw new IllegalArgumentException("second HELP for " + name);
                    families.put(name, new Family(name, f.type(), parts.length == 4 ? parts[3] : "", f.samples()));
                }
            }
            return;
        }
        int i = 0;
        while (i < l.length() && l.charAt(i) != '{' && l.charAt(i) != ' ') i++;
        String name = l.substring(0, i);
        if (!METRIC.matcher(name).matches()) throw new IllegalArgumentException("bad metric name '" + name + "'");
        Map<String, String> labels = new TreeMap<>();
        if (i < l.length() && l.charAt(i) == '{') {
            i++;
            while (true) {
                if (i < l.length() && l.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = l.indexOf('=', i);
                if (eq < 0) throw new IllegalArgumentException("label without =");
                String ln = l.substring(i, eq);
                if (!LABEL.matcher(ln).matches()) throw new IllegalArgumentException("bad label name '" + ln + "'");
                i = eq + 1;
                if (i >= l.length() || l.charAt(i) != '"') throw new IllegalArgumentException("label value not quoted");
                i++;
                StringBuilder v = new StringBuilder();
                while (true) {
                    if (i >= l.length()) throw new IllegalArgumentException("unterminated label value");
                    char c = l.charAt(i++);
                    if (c == '"') break;
                    if (c == '\\') {
                        if (i >= l.length()) throw new IllegalArgumentException("dangling escape");
                        char e = l.charAt(i++);
                        if (e == 'n') v.append('\n');
                        else if (e == '\\' || e == '"') v.append(e);
                        else throw new IllegalArgumentException("bad escape \\" + e);
                    } else {
                        v.append(c);
                    }
                }
                if (labels.put(ln, v.toString()) != null) throw new IllegalArgumentException("label " + ln + " twice");
                if (i < l.length() && l.charAt(i) == ',') i++;
                else if (i >= l.length() || l.charAt(i) != '}') throw new IllegalArgumentException("expected , or }");
            }
        }
        if (i >= l.length() || l.charAt(i) != ' ') throw new IllegalArgumentException("no value");
        String[] rest = l.substring(i + 1).trim().split(" +");
        if (rest.length < 1 || rest.length > 2) throw new IllegalArgumentException("expected value [timestamp]");
        double value = value(rest[0]);
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad timestamp");
            }
        }
        String fam = familyOf(name);
        if (!fam.equals(current)) {
            if (closed.contains(fam)) throw new IllegalArgumentException("samples of " + fam + " are not together");
            if (current != null) closed.add(current);
            current = fam;
        }
        if (!series.add(name + labels)) throw new IllegalArgumentException("series twice: " + name + labels);
        family(fam).samples().add(new Sample(name, labels, value));
    }

    /** The family a sample belongs to: histogram/summary samples carry suffixes. */
    private String familyOf(String sample) {
        for (String suffix : List.of("_bucket", "_count", "_sum", "_created")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                Family f = families.get(base);
                if (f != null && ("histogram".equals(f.type()) || "summary".equals(f.type()))) return base;
            }
        }
        return sample;
    }

    private Family family(String name) {
        return families.computeIfAbsent(name, n -> new Family(n, null, null, new ArrayList<>()));
    }

    private static double value(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value '" + s + "'");
                }
            }
        };
    }

    private void checkHistograms() {
        for (Family f : families.values()) {
            if (!"histogram".equals(f.type())) continue;
            Map<Map<String, String>, List<Sample>> buckets = new HashMap<>();
            Map<Map<String, String>, Double> counts = new HashMap<>();
            for (Sample s : f.samples()) {
                if (s.name().endsWith("_bucket")) {
                    Map<String, String> key = new TreeMap<>(s.labels());
                    if (key.remove("le") == null) throw new IllegalArgumentException(f.name() + ": bucket without le");
                    buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                } else if (s.name().endsWith("_count")) {
                    counts.put(s.labels(), s.value());
                }
            }
            for (var e : buckets.entrySet()) {
                double prevLe = Double.NEGATIVE_INFINITY, prevCount = 0;
                for (Sample b : e.getValue()) {
                    double le = value(b.labels().get("le"));
                    if (le <= prevLe) throw new IllegalArgumentException(f.name() + ": le not increasing");
                    if (b.value() < prevCount) throw new IllegalArgumentException(f.name() + ": buckets not cumulative");
                    prevLe = le;
                    prevCount = b.value();
                }
                if (prevLe != Double.POSITIVE_INFINITY) throw new IllegalArgumentException(f.name() + ": no +Inf bucket");
                Double count = counts.get(e.getKey());
                if (count == null || count != prevCount) {
                    throw new IllegalArgumentException(f.name() + ": _count differs from the +Inf bucket");
                }
            }
        }
    }
}
