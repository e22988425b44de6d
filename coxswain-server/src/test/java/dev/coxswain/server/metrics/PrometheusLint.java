package dev.coxswain.server.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The naming rules {@code promtool check metrics} applies (Prometheus' promlint), over parsed
 * exposition text, so the build checks them without promtool installed: help text present,
 * counters end in {@code _total} and nothing else does, {@code _count}/{@code _sum}/{@code _bucket}
 * only on histograms and summaries, base units (seconds, bytes) spelled out, no unit
 * abbreviations, snake case, no colons, no type name inside a metric name.
 */
final class PrometheusLint {
    /** Units promlint refuses as abbreviations (a whole underscore-separated word of the name). */
    private static final Set<String> ABBREVIATIONS = Set.of("s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb",
            "pb", "m", "h", "d");
    /** Non-base units and the base unit promlint asks for instead. */
    private static final Map<String, String> NON_BASE = Map.ofEntries(
            Map.entry("milliseconds", "seconds"), Map.entry("microseconds", "seconds"), Map.entry("nanoseconds", "seconds"),
            Map.entry("minutes", "seconds"), Map.entry("hours", "seconds"), Map.entry("days", "seconds"),
            Map.entry("weeks", "seconds"), Map.entry("kilobytes", "bytes"), Map.entry("megabytes", "bytes"),
            Map.entry("gigabytes", "bytes"), Map.entry("terabytes", "bytes"), Map.entry("petabytes", "bytes"),
            Map.entry("kibibytes", "bytes"), Map.entry("mebibytes", "bytes"), Map.entry("gibibytes", "bytes"),
            Map.entry("millis", "seconds"), Map.entry("nanos", "seconds"), Map.entry("micros", "seconds"));
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private PrometheusLint() {
    }

    /** Every problem found, one line each ("family: what is wrong"); empty when clean. */
    static List<String> problems(Map<String, PrometheusTextParser.Family> families) {
        List<String> out = new ArrayList<>();
        for (PrometheusTextParser.Family f : families.values()) {
            String n = f.name();
            String type = f.type() == null ? "untyped" : f.type();
            if (f.help() == null || f.help().isBlank()) out.add(n + ": no help text");
            if (!n.equals(n.toLowerCase(java.util.Locale.ROOT))) out.add(n + ": metric names should be snake_case");
            if (n.contains(":")) out.add(n + ": metric names should not contain ':'");
            if (type.equals("counter") && !n.endsWith("_total")) out.add(n + ": counter metrics should have \"_total\" suffix");
            if (!type.equals("counter") && n.endsWith("_total")) out.add(n + ": non-counter metrics should not have \"_total\" suffix");
            if (!type.equals("histogram") && !type.equals("summary")) {
                for (String s : List.of("_count", "_sum", "_bucket")) {
                    if (n.endsWith(s)) out.add(n + ": non-histogram and non-summary metrics should not have \"" + s + "\" suffix");
                }
            }
            for (String word : n.split("_")) {
                if (ABBREVIATIONS.contains(word)) out.add(n + ": metric names should not contain abbreviated units");
                if (NON_BASE.containsKey(word)) out.add(n + ": use base unit \"" + NON_BASE.get(word) + "\" instead of \"" + word + "\"");
            }
            for (String t : TYPES) {
                if (n.contains("_" + t + "_") || n.endsWith("_" + t)) out.add(n + ": metric name should not include type '" + t + "'");
            }
            for (PrometheusTextParser.Sample s : f.samples()) {
                for (String label : s.labels().keySet()) {
                    if (!label.equals(label.toLowerCase(java.util.Locale.ROOT))) out.add(n + ": label names should be snake_case: " + label);
                }
            }
        }
        return out;
    }
}
