package dev.coxswain.server.nativeapi;

import io.helidon.webserver.http.ServerRequest;
import java.util.Locale;

/** Query parameters of the native API; a bad value is a 400 that names the parameter. */
final class NativeParams {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private final ServerRequest req;

    NativeParams(ServerRequest req) {
        this.req = req;
    }

    String string(String name) {
        var v = req.query().first(name);
        if (v.isEmpty()) return null;
        String s = v.get().trim();
        if (NativeTaskRequest.hasNul(s)) throw NativeError.badParam(name, name + " must not contain NUL (U+0000) characters");
        return s.isEmpty() ? null : s;
    }

    int integer(String name, int dflt, int min) {
        String s = string(name);
        if (s == null) return dflt;
        try {
            int v = Integer.parseInt(s);
            if (v < min) throw NativeError.badParam(name, name + " must be at least " + min);
            return v;
        } catch (NumberFormatException e) {
            throw NativeError.badParam(name, name + " must be an integer");
        }
    }

    int page() {
        return integer("page", 1, 1);
    }

    /** Limits above the maximum are lowered to it (as common APIs do) rather than refused. */
    int limit(int dflt, int max) {
        return Math.min(integer("limit", dflt, 1), max);
    }

    boolean ascending() {
        String o = string("order");
        if (o == null) return false;
        return switch (o.toLowerCase(Locale.ROOT)) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw NativeError.badParam("order", "order must be asc or desc");
        };
    }

    static int offset(int page, int limit) {
        long off = (long) (page - 1) * limit;
        if (off > Integer.MAX_VALUE) throw NativeError.badParam("page", "page is too large");
        return (int) off;
    }
}
