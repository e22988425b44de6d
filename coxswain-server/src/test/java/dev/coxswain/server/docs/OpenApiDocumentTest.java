package dev.coxswain.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.server.http.RouteTable;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /openapi.json} against the server's own route table: valid OpenAPI 3.1, every route
 * documented (and nothing documented that is not served), security as the route's access says.
 * A route added without documenting it fails here, by name.
 */
class OpenApiDocumentTest {
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}]+)}");
    /**
     * Guarded routes that cannot answer 401, so must not document it: the worker face's token
     * refresh reads only the refresh token and {@code X-Worker-ID} (the expired access token it
     * replaces may come along), so each of its refusals is a 403.
     */
    private static final Set<String> NO_401 = Set.of("POST /_worker/auth/token/refresh");

    @TempDir
    static Path dir;
    static DocsServer srv;
    static JsonNode doc;

    @BeforeAll
    static void start() {
        srv = new DocsServer(dir);
        doc = srv.document();
    }

    @AfterAll
    static void stop() {
        srv.close();
    }

    @Test
    void servedAsJsonWithTheServersVersion() {
        DocsServer.Reply r = srv.get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/json");
        String version = srv.send("GET", "/api/system/status", null, DocsServer.ADMIN).json().path("data").path("version").asText();
        assertThat(version).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isEqualTo(version);
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void isValidOpenApi31() {
        ParseOptions opts = new ParseOptions();
        opts.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(srv.get("/openapi.json").text(), null, opts);
        assertThat(result.getMessages()).as("parser messages").isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        assertThat(result.getOpenAPI().getPaths()).isNotEmpty();
    }

    @Test
    void everyRouteIsDocumentedAndNothingElse() {
        Set<String> served = new TreeSet<>();
        for (RouteTable.Route r : srv.server.routes()) if (r.documented()) served.add(key(r.method().text(), r.path()));
        Set<String> documented = new TreeSet<>();
        for (Iterator<String> paths = doc.path("paths").fieldNames(); paths.hasNext(); ) {
            String path = paths.next();
            for (Iterator<String> ms = doc.path("paths").path(path).fieldNames(); ms.hasNext(); ) {
                String m = ms.next();
                if (HTTP_METHODS.contains(m)) documented.add(key(m, path));
            }
        }
        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> notServed = new TreeSet<>(documented);
        notServed.removeAll(served);
        List<String> problems = new ArrayList<>();
        undocumented.forEach(r -> problems.add(r + " is served but missing from /openapi.json"));
        notServed.forEach(r -> problems.add(r + " is in /openapi.json but the server does not serve it"));
        assertThat(problems).as("route table vs /openapi.json").isEmpty();
        assertThat(served).hasSizeGreaterThan(20);
    }

    @Test
    void securityTagsAndParametersFollowTheRouteTable() {
        Set<String> schemes = new HashSet<>();
        doc.path("components").path("securitySchemes").fieldNames().forEachRemaining(schemes::add);
        assertThat(schemes).containsExactlyInAnyOrder("ApiKeyAuthorization", "ApiKeyHeader", "ClientToken", "BearerJWT", "WorkerToken");
        Set<String> operationIds = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (RouteTable.Route r : srv.server.routes()) {
            if (!r.documented()) continue; // the dashboard's pages: HTML, not the API
            String name = r.method().text() + " " + r.path();
            JsonNode pathItem = doc.path("paths").path(r.path());
            JsonNode op = pathItem.path(r.method().text().toLowerCase(Locale.ROOT));
            if (op.isMissingNode()) continue; // reported by everyRouteIsDocumentedAndNothingElse
            JsonNode security = op.has("security") ? op.get("security") : doc.path("security");
            if (r.access() == RouteTable.Access.OPEN) {
                if (!op.has("security") || !op.get("security").isArray() || !op.get("security").isEmpty()) {
                    problems.add(name + " is open but lacks 'security: []'");
                }
            } else {
                if (!security.isArray() || security.isEmpty()) problems.add(name + " needs a credential but documents no security");
                for (JsonNode req : security) {
                    req.fieldNames().forEachRemaining(s -> {
                        if (!schemes.contains(s)) problems.add(name + " names unknown security scheme " + s);
                    });
                }
                // Every guarded route can answer these, whatever it does (406: the native face's
                // version negotiation; 401 on the worker face: an expired access token).
                List<String> statuses = new ArrayList<>(r.face().equals("native") ? List.of("401", "403", "406", "429") : List.of("401", "403", "429"));
                if (NO_401.contains(name)) {
                    statuses.remove("401");
                    if (op.path("responses").has("401")) problems.add(name + " documents a 401 it cannot answer");
                }
                for (String status : statuses) {
                    if (!op.path("responses").has(status)) problems.add(name + " does not document " + status);
                }
            }
            // An operation is tagged with every face that serves its path (two share a path under
            // /api/v1/jobs, each taking its own requests); almost always that is one.
            Set<String> tagged = new TreeSet<>();
            op.path("tags").forEach(t -> tagged.add(t.asText()));
            if (op.path("tags").size() != tagged.size() || !tagged.equals(facesServing(r.method().text(), r.path()))) {
                problems.add(name + " is tagged " + op.path("tags") + ", not " + facesServing(r.method().text(), r.path()));
            }
            if (!operationIds.add(op.path("operationId").asText()) && facesServing(r.method().text(), r.path()).size() == 1) {
                problems.add(name + " has a missing or repeated operationId");
            }
            if (op.path("summary").asText().isBlank()) problems.add(name + " has no summary");
            Set<String> declared = new TreeSet<>();
            for (JsonNode p : concat(pathItem.path("parameters"), op.path("parameters"))) {
                JsonNode param = new SchemaCheck(doc).resolve(p);
                if (param.path("in").asText().equals("path")) declared.add(param.path("name").asText());
            }
            Set<String> inTemplate = new TreeSet<>();
            Matcher m = TEMPLATE_PARAM.matcher(r.path());
            while (m.find()) inTemplate.add(m.group(1));
            if (!declared.equals(inTemplate)) problems.add(name + " declares path parameters " + declared + ", template has " + inTemplate);
        }
        assertThat(problems).isEmpty();
        Set<String> tags = new HashSet<>();
        doc.path("tags").forEach(t -> tags.add(t.path("name").asText()));
        Set<String> faces = new HashSet<>();
        srv.server.routes().stream().filter(RouteTable.Route::documented).forEach(r -> faces.add(r.face()));
        assertThat(tags).isEqualTo(faces);
    }

    /** The faces with a route of this method and template. */
    private static Set<String> facesServing(String method, String path) {
        Set<String> out = new TreeSet<>();
        for (RouteTable.Route r : srv.server.routes()) if (r.method().text().equals(method) && r.path().equals(path)) out.add(r.face());
        return out;
    }

    private static List<JsonNode> concat(JsonNode a, JsonNode b) {
        List<JsonNode> out = new ArrayList<>();
        a.forEach(out::add);
        b.forEach(out::add);
        return out;
    }

    private static String key(String method, String path) {
        return method.toUpperCase(Locale.ROOT) + " " + path;
    }
}
