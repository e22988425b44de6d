package dev.coxswain.core.device;

/** A device task names a script that no configured list and no online device worker offers. */
public class ScriptNotSupportedException extends RuntimeException {
    private final String script;

    public ScriptNotSupportedException(String script, String message) {
        super(message);
        this.script = script;
    }

    public String script() {
        return script;
    }
}
