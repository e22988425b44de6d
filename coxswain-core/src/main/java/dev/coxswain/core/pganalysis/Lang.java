package dev.coxswain.core.pganalysis;

/** The report language. Russian is the default because the seed API (and its users) speak it. */
public enum Lang {
    RU, EN;

    /** @throws PgAnalysisException for anything but ru/en, so a typo is not silently Russian */
    public static Lang of(String code) {
        if (code == null || code.isBlank() || code.equalsIgnoreCase("ru")) return RU;
        if (code.equalsIgnoreCase("en")) return EN;
        throw new PgAnalysisException(PgAnalysisException.INVALID_PARAMS, "language must be \"ru\" or \"en\", got \"" + code + "\"");
    }

    String t(String ru, String en) {
        return this == RU ? ru : en;
    }
}
