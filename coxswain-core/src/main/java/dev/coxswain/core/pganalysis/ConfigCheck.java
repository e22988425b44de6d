package dev.coxswain.core.pganalysis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.util.Locale;

/**
 * One rule's verdict. {@code current} and {@code recommended} are setting values (language
 * neutral); {@code why} and {@code recommendation} are sentences in the report language.
 * {@code recommendation} is null when there is nothing to do.
 */
public record ConfigCheck(String id, String category, Severity severity, String current, String recommended,
                          String why, String recommendation) {
    public enum Severity {
        OK, INFO, WARNING, ERROR;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The line that goes into the report's warning_details/error_details lists. */
    public String summary() {
        return id + " = " + current + ": " + why;
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("category", category);
        o.put("severity", severity.json());
        o.put("current", current);
        o.put("recommended", recommended);
        o.put("why", why);
        return o;
    }
}
