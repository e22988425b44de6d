package dev.coxswain.server.http;

import dev.coxswain.core.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Writes JSON responses. */
public final class Respond {
    private Respond() {
    }

    public static void json(ServerResponse res, int status, Object body) {
        jsonText(res, status, Json.write(body));
    }

    /** A body that is JSON text already (a recorded answer, sent again as it was). */
    public static void jsonText(ServerResponse res, int status, String json) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
