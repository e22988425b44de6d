package dev.coxswain.core.pganalysis.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The machine-readable findings of one analysis plus the human sentences derived from them. Each
 * finding carries its own recommendation; {@link #recommendations()} lists each distinct sentence
 * once so a report does not repeat itself for every table.
 */
final class Findings {
    private final ArrayNode items = Json.MAPPER.createArrayNode();
    private final Set<String> sentences = new LinkedHashSet<>();

    /** Adds {subjectKey: subject, kind, detail, recommendation} and returns it for extra fields. */
    ObjectNode add(String subjectKey, String subject, String kind, String detail, String recommendation) {
        ObjectNode f = items.addObject();
        if (subject == null) f.putNull(subjectKey);
        else f.put(subjectKey, subject);
        f.put("kind", kind).put("detail", detail).put("recommendation", recommendation);
        return f;
    }

    /** A summary sentence that is not tied to one finding. */
    void sentence(String s) {
        sentences.add(s);
    }

    ArrayNode items() {
        return items;
    }

    ArrayNode recommendations() {
        Set<String> all = new LinkedHashSet<>(sentences);
        items.forEach(f -> all.add(f.path("recommendation").asText()));
        ArrayNode arr = Json.MAPPER.createArrayNode();
        all.forEach(arr::add);
        return arr;
    }
}
