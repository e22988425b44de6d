package dev.coxswain.server.device;

/**
 * The device face's answer codes. The product this face copies ({@code seeds/device-task-api.ru.md})
 * documents 0 and 400xx/40301/40401/50001; Coxswain adds its own for what the product never
 * answers (no credential, a key without the scope, a body too large, the rate limit, a database
 * blip). The HTTP status is the code's first three digits, so a client may read either.
 */
enum DeviceCode {
    SUCCESS(0),
    /** A parameter is missing, of the wrong type or out of range; or the task is in the wrong state. */
    INVALID_PARAMS(40001),
    MISSING_SCRIPT_NAME(40002),
    SCRIPT_NOT_SUPPORTED(40003),
    /** Multi-account mode found no account on a chosen device. */
    NO_ACCOUNTS(40004),
    /** No credential, or one that authenticates nobody. */
    UNAUTHORIZED(40101),
    /** The principal's plan has no API access (or the request goes past its device limit). */
    PLAN_REFUSED(40301),
    /** The credential lacks the scope the route needs. */
    SCOPE_MISSING(40302),
    NOT_FOUND(40401),
    BODY_TOO_LARGE(41301),
    RATE_LIMITED(42901),
    INTERNAL(50001),
    UNAVAILABLE(50301);

    final int code;

    DeviceCode(int code) {
        this.code = code;
    }

    /** The HTTP status sent with this code: 200 for success, else the code's first three digits. */
    int httpStatus() {
        return code == 0 ? 200 : code / 100;
    }
}
