package dev.coxswain.core.pganalysis;

import java.util.Locale;

/**
 * The language of the human-readable recommendations. Russian is the default because the API
 * seed (and its users) speak Russian; {@code en} is there for everyone else.
 */
public enum Lang {
    RU, EN;

    /** @throws PgAnalysisException for anything but ru/en, so a typo is not silently Russian */
    public static Lang of(String code) {
        if (code == null || code.isBlank() || code.trim().equalsIgnoreCase("ru")) return RU;
        if (code.trim().equalsIgnoreCase("en")) return EN;
        throw new PgAnalysisException(PgAnalysisException.INVALID_PARAMS, "language must be \"ru\" or \"en\", got \"" + code + "\"");
    }

    /** Picks the text for this language and formats it with {@link String#format} when there are arguments. */
    public String t(String ru, String en, Object... args) {
        String pattern = this == EN ? en : ru;
        return args.length == 0 ? pattern : String.format(Locale.ROOT, pattern, args);
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
