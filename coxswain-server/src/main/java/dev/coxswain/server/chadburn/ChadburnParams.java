package dev.coxswain.server.chadburn;

import io.helidon.webserver.http.ServerRequest;

/** Query parameters of the Chadburn face; a bad value is a 400 {@code validation_error}. */
final class ChadburnParams {
    static final int MAX_LIMIT = 1000;

    private final ServerRequest req;

    ChadburnParams(ServerRequest req) {
        this.req = req;
    }

    String string(String name) {
        var v = req.query().first(name);
        if (v.isEmpty() || v.get().isBlank()) return null;
        String s = v.get().trim();
        if (s.indexOf('\u0000') >= 0) throw ChadburnError.validation(name + " must not contain NUL characters");
        return s;
    }

    int integer(String name, int dflt, int min, int max) {
        String s = string(name);
        if (s == null) return dflt;
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) throw ChadburnError.validation(name + " must be between " + min + " and " + max);
            return v;
        } catch (NumberFormatException e) {
            throw ChadburnError.validation(name + " must be an integer");
        }
    }
}
