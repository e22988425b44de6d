package dev.coxswain.core.device;

import dev.coxswain.core.service.ValidationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Where a request's tasks run before any fan-out over targets: one slot per device, one per
 * account of each device (multi-account), or one per named account on the device that holds it.
 */
final class Slots {
    /** A device, or one account on it ({@code username} null for the device as a whole). */
    record Slot(String serial, String username) {
    }

    private Slots() {
    }

    /**
     * Device mode. Serials are de-duplicated in order; each must be a known device.
     *
     * @param accounts every known device's accounts, by serial
     */
    static List<Slot> forSerials(List<String> serials, Map<String, List<String>> accounts, boolean multiAccount) {
        List<String> unique = distinct(serials, "serials");
        List<String> unknown = unique.stream().filter(s -> !accounts.containsKey(s)).toList();
        if (!unknown.isEmpty()) {
            throw new ValidationException("serials", "unknown device" + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown));
        }
        List<Slot> out = new ArrayList<>();
        if (!multiAccount) {
            for (String s : unique) out.add(new Slot(s, null));
            return out;
        }
        List<String> without = new ArrayList<>();
        for (String s : unique) {
            List<String> names = List.copyOf(new LinkedHashSet<>(accounts.get(s)));
            if (names.isEmpty()) without.add(s);
            for (String u : names) out.add(new Slot(s, u));
        }
        if (!without.isEmpty()) throw new NoAccountsException(without);
        return out;
    }

    /**
     * Account mode: each username must be an account of some device; its task runs there.
     *
     * @param accounts every known device's accounts, by serial, in order of preference: an account
     *                 reported by two devices (moved between phones) runs on the first that has it
     */
    static List<Slot> forUsernames(List<String> usernames, Map<String, List<String>> accounts) {
        List<String> unique = distinct(usernames, "usernames");
        Map<String, String> home = new LinkedHashMap<>();
        for (var e : accounts.entrySet()) {
            for (String u : e.getValue()) home.putIfAbsent(u, e.getKey());
        }
        List<String> unknown = unique.stream().filter(u -> !home.containsKey(u)).toList();
        if (!unknown.isEmpty()) {
            throw new ValidationException("usernames", "unknown account" + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown));
        }
        return unique.stream().map(u -> new Slot(home.get(u), u)).toList();
    }

    private static List<String> distinct(List<String> values, String field) {
        if (values == null || values.isEmpty()) throw new ValidationException(field, "must not be empty");
        for (String v : values) {
            if (v == null || v.isBlank()) throw new ValidationException(field, "must hold non-empty strings");
        }
        return List.copyOf(new LinkedHashSet<>(values));
    }
}
