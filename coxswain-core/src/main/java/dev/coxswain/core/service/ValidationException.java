package dev.coxswain.core.service;

import java.util.LinkedHashMap;
import java.util.Map;

/** Field values that break a rule; {@code fields} maps field name to what is wrong with it. */
public class ValidationException extends RuntimeException {
    private final Map<String, String> fields;

    public ValidationException(Map<String, String> fields) {
        super("validation failed: " + fields);
        this.fields = Map.copyOf(new LinkedHashMap<>(fields));
    }

    public ValidationException(String field, String problem) {
        this(Map.of(field, problem));
    }

    public Map<String, String> fields() {
        return fields;
    }
}
