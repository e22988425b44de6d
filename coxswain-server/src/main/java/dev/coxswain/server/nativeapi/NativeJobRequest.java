package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.workflow.NewJob;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The bodies of the native job routes: starting a job, deciding an approval. Every problem in one 422. */
final class NativeJobRequest {
    static final int MAX_URL = 2000;
    static final int MAX_DECISION = 200;
    /** Thirty days: a step that may wait longer for a worker or a result is better served by no limit. */
    static final int MAX_TIMEOUT = 86_400 * 30;

    private NativeJobRequest() {
    }

    /** {@code {initial_data, webhook_url, dispatch_timeout, result_timeout, metadata}}, all optional. */
    static NewJob start(JsonNode body, String owner) {
        NativeFields f = new NativeFields(body);
        JsonNode initial = object(f, "initial_data");
        String webhook = f.optionalString("webhook_url", MAX_URL);
        if (webhook != null) {
            String problem = urlProblem(webhook);
            if (problem != null) f.error("webhook_url", problem);
        }
        Integer dispatch = f.integer("dispatch_timeout", 1, MAX_TIMEOUT);
        Integer result = f.integer("result_timeout", 1, MAX_TIMEOUT);
        JsonNode metadata = object(f, "metadata");
        f.finish();
        return new NewJob(owner, initial, webhook, dispatch, result, metadata);
    }

    /** A human's decision: {@code {"decision": "...", "metadata"?: {}}}. */
    record Decision(String decision, JsonNode metadata) {
    }

    static Decision decision(JsonNode body) {
        NativeFields f = new NativeFields(body);
        String decision = f.requiredString("decision", MAX_DECISION);
        JsonNode metadata = object(f, "metadata");
        f.finish();
        return new Decision(decision, metadata);
    }

    private static JsonNode object(NativeFields f, String field) {
        JsonNode v = f.body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) {
            f.error(field, "must be an object");
            return null;
        }
        return v;
    }

    /** An absolute http(s) URL with a host; where it may point is the notifier's rule. */
    private static String urlProblem(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) return "must be an http or https URL";
            if (u.getHost() == null || u.getHost().isBlank()) return "must name a host";
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
    }
}
