package dev.coxswain.core.pganalysis;

/**
 * Why an analysis could not produce a result. {@link #code()} lets a caller tell a refused
 * statement from a timeout or a server error without parsing text; the message is meant for the
 * user and never contains the target's password.
 */
public final class PgAnalysisException extends RuntimeException {
    /** The SQL was rejected before anything ran. */
    public static final String REFUSED = "refused";
    /** The task parameters were missing or malformed. */
    public static final String INVALID_PARAMS = "invalid_params";
    /** The statement ran past its timeout and the server cancelled it. */
    public static final String TIMEOUT = "timeout";
    /** No session could be opened (network, authentication, missing database). */
    public static final String CONNECT_FAILED = "connect_failed";
    /** The server answered a statement with an error. */
    public static final String SQL_ERROR = "sql_error";

    private final String code;
    private final boolean permanent;

    /** A refusal or bad params is permanent; anything else may pass on another attempt. */
    public PgAnalysisException(String code, String message) {
        this(code, message, REFUSED.equals(code) || INVALID_PARAMS.equals(code));
    }

    public PgAnalysisException(String code, String message, boolean permanent) {
        super(message);
        this.code = code;
        this.permanent = permanent;
    }

    public String code() {
        return code;
    }

    /** True when running the same analysis again would fail the same way, so retrying is pointless. */
    public boolean permanent() {
        return permanent;
    }
}
