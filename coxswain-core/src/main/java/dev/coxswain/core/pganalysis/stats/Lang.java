package dev.coxswain.core.pganalysis.stats;

import java.util.Locale;

/**
 * The language of the human-readable recommendations. Russian is the default because the API
 * seed (and its users) speak Russian; {@code en} is there for everyone else.
 */
public enum Lang {
    RU, EN;

    /** {@code "en"} (any case) gives English; anything else, including null, gives Russian. */
    public static Lang of(String code) {
        return code != null && code.trim().toLowerCase(Locale.ROOT).startsWith("en") ? EN : RU;
    }

    /** Picks the text for this language and formats it with {@link String#format}. */
    public String t(String ru, String en, Object... args) {
        String pattern = this == EN ? en : ru;
        return args.length == 0 ? pattern : String.format(Locale.ROOT, pattern, args);
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
