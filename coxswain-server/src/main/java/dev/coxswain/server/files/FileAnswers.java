package dev.coxswain.server.files;

import dev.coxswain.core.Json;
import dev.coxswain.server.http.Respond;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/**
 * The file routes' error answers: {@code {"error": "<message>"}}, the orchestrator protocol's
 * shape (the signed links are handed out by that face).
 */
public final class FileAnswers {
    private FileAnswers() {
    }

    public static void error(ServerResponse res, int status, String message) {
        // A refused body was not read to its end: the connection cannot carry another request.
        if (status == 413) res.header(HeaderNames.CONNECTION, "close");
        Respond.json(res, status, Json.object().put("error", message));
    }
}
