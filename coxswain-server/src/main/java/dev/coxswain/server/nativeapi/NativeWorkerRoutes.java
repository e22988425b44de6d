package dev.coxswain.server.nativeapi;

import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.Worker;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.service.WorkerService;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /api/workers…}. */
final class NativeWorkerRoutes {
    private final WorkerService workers;

    NativeWorkerRoutes(WorkerService workers) {
        this.workers = workers;
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        String s = p.string("status");
        WorkerStatus status = s == null ? null : WorkerStatus.fromWire(s);
        if (s != null && status == null) throw NativeError.badParam("status", "status must be one of active, idle, offline");
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        Page<Worker> result = workers.list(status, NativeParams.offset(page, limit), limit);
        Respond.json(res, 200, NativeJson.pageOf(result, w -> NativeJson.worker(w, false), page, limit));
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(NativeJson.worker(workers.get(id(req)), true)));
    }

    void tasks(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        String id = id(req);
        Page<Task> result = workers.tasks(id, NativeTaskRoutes.query(p, id));
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        Respond.json(res, 200, NativeJson.pageOf(result, NativeJson::workerTaskItem, page, limit));
    }

    /** The worker id of the path; one with NUL names no worker (and PostgreSQL could not look it up). */
    private static String id(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        if (NativeTaskRequest.hasNul(id)) throw NativeError.notFound("worker not found");
        return id;
    }
}
