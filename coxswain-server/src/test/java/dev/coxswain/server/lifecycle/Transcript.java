package dev.coxswain.server.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one scenario's API answers said, as text to compare with a golden file. Times need no
 * placeholders (the server runs on a test clock, so they are the same on every run); ids do, as
 * they depend on the store and on what ran before: each {@code task-17}, {@code whd-40}… becomes
 * {@code task-#1}, {@code whd-#1}… in order of first appearance. Ids that share a number space
 * (a Chadburn execution is a task: {@code exec-17} is {@code task-17}) share the symbol, so an
 * answer that names the wrong task still shows.
 */
final class Transcript {
    private static final Pattern ID = Pattern.compile("\\b(task|exec|sch|job|whd|wh)-(\\d+)\\b");
    private static final Map<String, String> SPACE = Map.of("task", "T", "exec", "T", "sch", "S", "job", "S", "wh", "W",
            "whd", "D");

    private record Rewrite(Pattern pattern, Function<MatchResult, String> with) {
    }

    private final List<String> lines = new ArrayList<>();
    private final List<Rewrite> rewrites = new ArrayList<>();

    /** A heading: which request (or which observation) the following lines are. */
    void section(String title) {
        if (!lines.isEmpty()) lines.add("");
        lines.add("## " + title);
    }

    void line(String s) {
        lines.addAll(s.lines().toList());
    }

    /** A JSON answer, pretty-printed: one field a line, so a diff points at the field. */
    void json(JsonNode n) {
        try {
            line(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A list answer: its {@code meta} on one line, then one line per item. */
    void list(JsonNode envelope) {
        line("meta " + Json.write(envelope.path("meta")));
        for (JsonNode item : envelope.path("data")) line("  " + Json.write(item));
    }

    /** Replaces what {@code pattern} matches (a value the server draws at random, checked by the caller). */
    void rewrite(Pattern pattern, Function<MatchResult, String> with) {
        rewrites.add(new Rewrite(pattern, with));
    }

    /** The transcript with ids made symbolic and trailing blanks cut, ending in a newline. */
    String text() {
        String s = String.join("\n", lines.stream().map(String::stripTrailing).toList()) + "\n";
        for (Rewrite r : rewrites) s = r.pattern().matcher(s).replaceAll(m -> Matcher.quoteReplacement(r.with().apply(m)));
        Map<String, Map<String, Integer>> symbols = new HashMap<>();
        return ID.matcher(s).replaceAll(m -> {
            Map<String, Integer> space = symbols.computeIfAbsent(SPACE.get(m.group(1)), k -> new LinkedHashMap<>());
            int n = space.computeIfAbsent(m.group(2), k -> space.size() + 1);
            return m.group(1) + "-#" + n;
        });
    }
}
