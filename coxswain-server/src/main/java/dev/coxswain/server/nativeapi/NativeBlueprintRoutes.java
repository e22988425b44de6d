package dev.coxswain.server.nativeapi;

import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.workflow.StoredBlueprint;
import dev.coxswain.core.workflow.WorkflowService;
import dev.coxswain.core.workflow.blueprint.BlueprintInvalidException;
import dev.coxswain.core.workflow.blueprint.BlueprintParser;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code /api/blueprints}: register a workflow blueprint (JSON or YAML, by {@code Content-Type};
 * admin only), read the newest or any version, every version, and the state graph in DOT.
 */
final class NativeBlueprintRoutes {
    /** A blueprint name, as the blueprint format allows it; anything else names no blueprint. */
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,128}");
    static final String GRAPH_TYPE = "text/vnd.graphviz; charset=utf-8";

    private final WorkflowService workflows;
    private final Bodies bodies;

    NativeBlueprintRoutes(WorkflowService workflows, Bodies bodies) {
        this.workflows = workflows;
        this.bodies = bodies;
    }

    /**
     * Stores the body as the blueprint's next version. Not idempotent by key: registering the
     * same text twice makes two versions, which is what a client re-registering means.
     */
    void create(ServerRequest req, ServerResponse res, Principal who) {
        String format = format(req);
        String source = new String(bodies.read(req), StandardCharsets.UTF_8);
        try {
            if (!BlueprintParser.read(source, format).isObject()) {
                throw NativeError.badRequest("request body must be a blueprint object with name and states");
            }
        } catch (BlueprintInvalidException e) {
            throw NativeBlueprintErrors.unparsable(e);
        }
        WorkflowService.Registered r;
        try {
            r = workflows.register(source, format, who.id());
        } catch (BlueprintInvalidException e) {
            throw NativeBlueprintErrors.invalid(e);
        }
        Respond.json(res, 201, NativeJson.data(NativeWorkflowJson.registered(r.blueprint(), r.warnings())));
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        Respond.json(res, 200, NativeJson.pageOf(slice(workflows.blueprints(), page, limit),
                NativeWorkflowJson::blueprintSummary, page, limit));
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        String name = name(req);
        int version = new NativeParams(req).integer("version", 0, 1);
        StoredBlueprint b = version == 0 ? workflows.blueprint(name) : workflows.blueprint(name, version);
        Respond.json(res, 200, NativeJson.data(NativeWorkflowJson.blueprint(b)));
    }

    void versions(ServerRequest req, ServerResponse res, Principal who) {
        String name = name(req);
        NativeParams p = new NativeParams(req);
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        Respond.json(res, 200, NativeJson.pageOf(slice(workflows.versions(name), page, limit),
                NativeWorkflowJson::blueprintSummary, page, limit));
    }

    void graph(ServerRequest req, ServerResponse res, Principal who) {
        String dot = workflows.graph(name(req));
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, GRAPH_TYPE);
        res.send(dot.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The blueprint text's format from {@code Content-Type}: JSON (also when the header is
     * absent, as every other native body) or YAML; anything else is 415.
     */
    static String format(ServerRequest req) {
        String header = req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null);
        if (header == null || header.isBlank()) return "json";
        String type = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "application/json" -> "json";
            case "application/yaml", "application/x-yaml", "text/yaml" -> "yaml";
            default -> throw new NativeError(415, "unsupported_media_type", "a blueprint is sent as application/json"
                    + " or YAML (application/yaml, application/x-yaml, text/yaml), not " + type, null);
        };
    }

    /** The {name} path parameter; text that cannot be a blueprint name is the native 404. */
    static String name(ServerRequest req) {
        String raw = req.path().pathParameters().get("name");
        if (raw == null || !NAME.matcher(raw).matches()) throw new NotFoundException("Blueprint not found");
        return raw;
    }

    private static <T> Page<T> slice(List<T> all, int page, int limit) {
        int from = NativeParams.offset(page, limit);
        if (from >= all.size()) return new Page<>(List.of(), all.size());
        return new Page<>(all.subList(from, Math.min(all.size(), from + limit)), all.size());
    }
}
