package dev.coxswain.core.workflow.blueprint;

/**
 * One thing wrong with a blueprint: where ({@code path}, e.g.
 * {@code states.fetch.transitions.success}, {@code $} for the whole text), what, and whether it
 * stops the blueprint from being registered.
 */
public record Problem(String path, String message, Severity severity) {
    public enum Severity {
        ERROR, WARNING;

        /** The wire spelling: {@code error} or {@code warning}. */
        public String wire() {
            return this == ERROR ? "error" : "warning";
        }
    }

    public static Problem error(String path, String message) {
        return new Problem(path, message, Severity.ERROR);
    }

    public static Problem warning(String path, String message) {
        return new Problem(path, message, Severity.WARNING);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return path + ": " + message + (isError() ? "" : " (warning)");
    }
}
