package dev.coxswain.server.ui;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A posted {@code application/x-www-form-urlencoded} form: every value of every field, in order. */
public final class UiForm {
    private final Map<String, List<String>> fields;

    private UiForm(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    static UiForm parse(byte[] body) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String s = new String(body, StandardCharsets.UTF_8);
        if (!s.isEmpty()) {
            for (String pair : s.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return new UiForm(out);
    }

    static UiForm empty() {
        return new UiForm(Map.of());
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new UiException(400, "The form could not be read: " + e.getMessage());
        }
    }

    /** The first value of the field, trimmed; null when absent or blank. */
    public String get(String name) {
        List<String> v = fields.get(name);
        if (v == null || v.isEmpty()) return null;
        String s = v.get(0).trim();
        return s.isEmpty() ? null : s;
    }

    /** The first value as sent (not trimmed), or null. */
    public String raw(String name) {
        List<String> v = fields.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }
}
