package dev.coxswain.worker.protocol;

import java.util.regex.Pattern;

/**
 * The rxon rule for worker ids, skill names and skill types: {@code ^[a-zA-Z0-9_-]+$}, at most
 * 128 characters (the cap rxon 1.0b16 added). Such ids can go into URL paths and the poll's comma
 * list without escaping, which is why dots, colons and slashes are refused.
 */
public final class Identifiers {
    public static final Pattern PATTERN = Pattern.compile("^[a-zA-Z0-9_-]+$");
    public static final int MAX_LENGTH = 128;

    private Identifiers() {
    }

    public static boolean isValid(String value) {
        return value != null && value.length() <= MAX_LENGTH && PATTERN.matcher(value).matches();
    }

    /**
     * Returns {@code value} when valid.
     *
     * @param what names the value in the error, for example "worker id"
     * @throws IllegalArgumentException when it is not
     */
    public static String requireValid(String value, String what) {
        if (!isValid(value)) {
            throw new IllegalArgumentException("Invalid " + what + " '" + value + "': use 1 to " + MAX_LENGTH
                    + " characters of a-z, A-Z, 0-9, '_' and '-'");
        }
        return value;
    }
}
