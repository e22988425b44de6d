package dev.coxswain.server.orchestrator;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.WorkerService;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.face.FaceGuard;
import dev.coxswain.server.face.FaceRoutes;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import dev.coxswain.server.http.RouteTable;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Set;

import static dev.coxswain.server.http.RouteTable.Access.OPEN;
import static dev.coxswain.server.orchestrator.OrchestratorAccess.READ;

/**
 * The orchestrator's client face ({@code seeds/orchestrator-api.ru.md}, wire truth in the research
 * file): {@code /_public/*} and the client routes under {@code /api/<api_version>/}. Its errors
 * are {@code {"error": "..."}}, with the original's plain-text ones where it has them.
 *
 * <p>Any credential the server accepts works here; orchestrator clients send theirs as
 * {@code X-Client-Token} (an API key). Routes under {@code /api/{api_version}} serve only a
 * well-formed version ({@code v<n>}); one that is well-formed but served by no blueprint answers
 * the original's unknown-route 404 before any authentication, as aiohttp does.
 */
public final class OrchestratorApi {
    public static final String FACE = "orchestrator";

    private final FaceGuard<OrchestratorError> guard;
    private final WorkerRecords workers;

    public OrchestratorApi(WorkerService workers, Gatekeeper gate, Bodies bodies) {
        ApiVersions versions = new ApiVersions(Set::of);
        this.guard = new FaceGuard<>(FACE, gate, new OrchestratorErrors(), req -> {
            String v = req.path().pathParameters().first("api_version").orElse(null);
            if (v != null && !versions.served(v)) throw OrchestratorError.noRoute();
        });
        this.workers = new WorkerRecords(workers);
    }

    public void register(RouteTable table) {
        table.face(FACE).get("/_public/status", OPEN, (req, res) -> Respond.json(res, 200, Json.object().put("status", "ok")));
        new FaceRoutes(table, FACE, guard)
                .add(Method.GET, "/api/{api_version}/workers", OrchestratorApi::versioned, READ, this::workers)
                .fallback("/_public/*", guard.answer(req -> OrchestratorError.noRoute()));
    }

    /** The routes under {@code /api/{api_version}} leave every other {@code /api/<x>/…} path to the other faces. */
    private static boolean versioned(ServerRequest req) {
        return ApiVersions.wellFormed(req.path().pathParameters().first("api_version").orElse(null));
    }

    private void workers(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, workers.render());
    }
}
