package dev.coxswain.server.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A property fuzzer driven by {@code /openapi.json}: for every operation it sends requests built
 * from the documented schemas, valid ones and mutated ones (wrong types, missing required fields,
 * huge strings, odd unicode, extreme numbers, bad ids, malformed JSON, wrong content types, no or
 * bad credentials), and checks each answer: a 5xx, a hang, or an answer that breaks its
 * documented schema is a failure, printed with the request that caused it. A status the
 * operation does not document is counted apart.
 *
 * <p>It only ever talks to the server it is given, and what it makes the server do stays on this
 * machine: a generated {@code command} is {@code echo <letters>}, a webhook {@code url} points at
 * 127.0.0.1:9, a connection {@code host} is 127.0.0.1, and no generated string carries a shell
 * metacharacter.
 */
public final class ApiFuzzer {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    enum Kind { VALID, WRONG_TYPE, MISSING_REQUIRED, HUGE_STRING, ODD_UNICODE, EXTREME_NUMBER, BAD_ID, BAD_QUERY,
        MALFORMED_JSON, WRONG_CONTENT_TYPE, NO_AUTH, BAD_AUTH }

    record Param(String name, String in, JsonNode schema, boolean required) {
    }

    record Op(String method, String path, JsonNode op, List<Param> params, JsonNode body, boolean open) {
        String name() {
            return method.toUpperCase() + " " + path;
        }
    }

    /** What a run saw. */
    public static final class Report {
        final Map<String, Integer> perOperation = new TreeMap<>();
        final Map<String, Integer> byClass = new TreeMap<>();
        final Map<Kind, Integer> byKind = new TreeMap<>();
        final Map<String, Integer> undocumented = new TreeMap<>();
        /** The first request that got each undocumented status. */
        final Map<String, String> undocumentedSample = new TreeMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final Map<String, Integer> knownIds = new TreeMap<>();
        /** Requests valid per the document that were refused with a 4xx, by operation, with the first one's answer. */
        final Map<String, Integer> validRefused = new TreeMap<>();
        final Map<String, String> validRefusedSample = new TreeMap<>();
        int requests;
        int serverErrors;
        int schemaBreaks;
        int hangs;
        int credentialsLost;
        long millis;

        public int failures() {
            return serverErrors + schemaBreaks + hangs + credentialsLost;
        }

        public String summary() {
            return summary(Boolean.getBoolean("fuzz.verbose"));
        }

        public String summary(boolean verbose) {
            StringBuilder b = new StringBuilder();
            b.append(String.format("fuzz: %d operations covered, %d requests in %.1f s%n", perOperation.size(), requests, millis / 1000.0));
            b.append("  responses by class: ").append(byClass).append('\n');
            b.append("  requests by kind:   ").append(byKind).append('\n');
            b.append("  ids harvested from answers, by collection: ").append(knownIds).append('\n');
            b.append(String.format("  failures: %d (5xx %d, schema breaks %d, hangs %d, own credential lost %d)%n", failures(), serverErrors,
                    schemaBreaks, hangs, credentialsLost));
            b.append("  undocumented statuses (operation status: count): ").append(undocumented).append('\n');
            undocumentedSample.forEach((k, v) -> b.append("    ").append(k).append(": ").append(v).append('\n'));
            if (verbose) {
                b.append("  valid-per-document requests refused with a 4xx: ").append(validRefused).append('\n');
                validRefusedSample.forEach((k, v) -> b.append("    ").append(k).append(": ").append(v).append('\n'));
            }
            int shown = 0;
            for (String f : failures) {
                if (shown++ == 40) {
                    b.append("  … ").append(failures.size() - 40).append(" more\n");
                    break;
                }
                b.append("  FAIL ").append(f).append('\n');
            }
            return b.toString();
        }
    }

    private final String base;
    private final String adminKey;
    private final Random rnd;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonNode doc;
    private final JsonNode strict;
    private final SchemaCheck schemas;
    private final List<Op> ops = new ArrayList<>();
    /** Ids seen in answers, by the collection path they belong to ({@code /api/tasks}, {@code /scheduler/tasks}). */
    private final Map<String, List<String>> ids = new ConcurrentHashMap<>();
    private int counter;
    /** The last key change that succeeded, to explain a lost credential. */
    private String lastKeyChange = "none";
    private boolean credentialLost;

    public ApiFuzzer(String baseUrl, String adminKey, long seed) {
        this.base = baseUrl.replaceAll("/$", "");
        this.adminKey = adminKey;
        this.rnd = new Random(seed);
        HttpResponse<String> d = send(HttpRequest.newBuilder(URI.create(base + "/openapi.json")).GET());
        if (d == null || d.statusCode() != 200) throw new IllegalStateException("no /openapi.json at " + base);
        this.doc = Json.read(d.body());
        this.strict = SchemaCheck.strictView(doc);
        this.schemas = new SchemaCheck(doc);
        for (Iterator<String> ps = doc.path("paths").fieldNames(); ps.hasNext(); ) {
            String path = ps.next();
            JsonNode item = doc.path("paths").path(path);
            for (Iterator<String> ms = item.fieldNames(); ms.hasNext(); ) {
                String m = ms.next();
                if (!METHODS.contains(m)) continue;
                JsonNode op = item.get(m);
                List<Param> params = new ArrayList<>();
                for (JsonNode p : concat(item.path("parameters"), op.path("parameters"))) {
                    JsonNode r = schemas.resolve(p);
                    params.add(new Param(r.path("name").asText(), r.path("in").asText(), r.path("schema"),
                            r.path("required").asBoolean(r.path("in").asText().equals("path"))));
                }
                JsonNode body = schemas.resolve(op.path("requestBody")).path("content").path("application/json").path("schema");
                boolean open = op.has("security") && op.get("security").isEmpty();
                ops.add(new Op(m, path, op, params, body.isMissingNode() ? null : strictSchema(body), open));
            }
        }
    }

    /**
     * The id of the key the fuzzer itself uses (found by its prefix). It is never changed or
     * revoked: the configured admin key is an ordinary key row, and revoking it locks the
     * fuzzer out for the rest of the run (and the server's operator until the key is replaced).
     */
    private String ownKeyDigits() {
        if (ownKey == null) {
            ownKey = "";
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/api/keys?limit=100")).header("Authorization", "ApiKey " + adminKey));
            if (r != null && r.statusCode() == 200) {
                for (JsonNode k : Json.read(r.body()).path("data")) {
                    String prefix = k.path("prefix").asText();
                    if (!prefix.isEmpty() && adminKey.startsWith(prefix)) ownKey = k.path("id").asText().replaceAll("\\D", "");
                }
            }
        }
        return ownKey;
    }

    private String ownKey;

    private boolean isOwnKey(String path, String id) {
        return path.startsWith("/api/keys/") && !ownKeyDigits().isEmpty() && id.replaceAll("\\D", "").replaceFirst("^0+(?=.)", "").equals(ownKeyDigits());
    }

    public int operations() {
        return ops.size();
    }

    /** Sends {@code requests} requests, round robin over the operations, collection-creating ones first. */
    public Report run(int requests) {
        Report rep = new Report();
        long start = System.nanoTime();
        // Seed the id pools: one valid creation for each operation that creates something.
        for (Op op : ops) {
            if (op.method().equals("post") && !op.path().contains("{") && op.body() != null && rep.requests < requests) {
                exchange(op, Kind.VALID, rep);
            }
        }
        for (int i = 0; rep.requests < requests; i++) {
            Op op = ops.get(i % ops.size());
            exchange(op, pickKind(op), rep);
        }
        rep.millis = (System.nanoTime() - start) / 1_000_000;
        ids.forEach((k, v) -> rep.knownIds.put(k, v.size()));
        return rep;
    }

    private Kind pickKind(Op op) {
        if (rnd.nextInt(10) < 3) return Kind.VALID;
        Kind[] all = Kind.values();
        while (true) {
            Kind k = all[1 + rnd.nextInt(all.length - 1)];
            boolean body = op.body() != null;
            switch (k) {
                case WRONG_TYPE, MISSING_REQUIRED, MALFORMED_JSON, WRONG_CONTENT_TYPE -> {
                    if (body) return k;
                }
                case HUGE_STRING, ODD_UNICODE, EXTREME_NUMBER -> {
                    if (body || !op.params().isEmpty()) return k;
                }
                case BAD_ID -> {
                    if (op.path().contains("{")) return k;
                }
                case BAD_QUERY -> {
                    if (op.params().stream().anyMatch(p -> p.in().equals("query"))) return k;
                }
                case NO_AUTH, BAD_AUTH -> {
                    return k;
                }
                default -> {
                }
            }
        }
    }

    // ---- one request --------------------------------------------------------------------------

    private void exchange(Op op, Kind kind, Report rep) {
        String path = fillPath(op, kind);
        String query = query(op, kind);
        String contentType = "application/json";
        String body = null;
        if (op.body() != null) {
            JsonNode valid = gen(op.body(), 0, "");
            body = switch (kind) {
                case WRONG_TYPE -> Json.write(mutateOne(valid, op.body(), this::wrongType));
                case MISSING_REQUIRED -> Json.write(dropRequired(valid, op.body()));
                case HUGE_STRING -> Json.write(mutateStrings(valid, () -> huge()));
                case ODD_UNICODE -> Json.write(mutateStrings(valid, this::oddUnicode));
                case EXTREME_NUMBER -> Json.write(mutateNumbers(valid));
                case MALFORMED_JSON -> malformed();
                default -> Json.write(valid);
            };
            if (kind == Kind.WRONG_CONTENT_TYPE) {
                contentType = pick("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data",
                        "application/json; charset=latin1", null);
            }
        }
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(base + path + query));
        } catch (IllegalArgumentException e) {
            return; // not a URI this client can send; not counted
        }
        b.timeout(Duration.ofSeconds(20));
        b.method(op.method().toUpperCase(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && contentType != null) b.header("Content-Type", contentType);
        String auth = switch (kind) {
            case NO_AUTH -> null;
            case BAD_AUTH -> pick("ApiKey cox_not_a_key", "Bearer not.a.jwt", "Bearer eyJhbGciOiJub25lIn0.e30.", "Basic Zm9vOmJhcg==",
                    "ApiKey", "ApiKey " + "k".repeat(5000), "ApiKey " + adminKey + "x", "Token " + adminKey);
            default -> "ApiKey " + adminKey;
        };
        if (auth != null) b.header("Authorization", auth);
        if (kind == Kind.BAD_AUTH && rnd.nextBoolean()) b.header("X-API-Key", pick("wrong", "", "\u00e9t\u00e9"));
        String request = op.method().toUpperCase() + " " + abbreviate(path + query, 200) + (auth == null ? " (no credential)" : " auth=" + abbreviate(auth, 40))
                + (body == null ? "" : " content-type=" + contentType + " body=" + abbreviate(body, 300));
        HttpResponse<String> r = send(b);
        synchronized (rep) {
            rep.requests++;
            rep.perOperation.merge(op.name(), 1, Integer::sum);
            rep.byKind.merge(kind, 1, Integer::sum);
            if (r == null) {
                rep.hangs++;
                rep.byClass.merge("no answer", 1, Integer::sum);
                rep.failures.add("no answer: " + lastMiss + " [" + kind + "]: " + request);
                return;
            }
            int status = r.statusCode();
            rep.byClass.merge(status / 100 + "xx", 1, Integer::sum);
            if (status == 401 && auth != null && auth.equals("ApiKey " + adminKey) && !credentialLost) {
                credentialLost = true;
                rep.credentialsLost++;
                rep.failures.add("the fuzzer's own admin key is refused from here on [" + kind + "] " + request + " -> "
                        + abbreviate(r.body(), 200) + "; the last key change that succeeded: " + lastKeyChange);
            }
            if (status / 100 == 2 && op.path().equals("/api/keys/{id}") && !op.method().equals("get")) lastKeyChange = request;
            if (kind == Kind.VALID && status / 100 == 4) {
                rep.validRefused.merge(op.name(), 1, Integer::sum);
                rep.validRefusedSample.putIfAbsent(op.name(), status + " " + request + " -> " + abbreviate(r.body(), 200));
            }
            if (status >= 500) {
                rep.serverErrors++;
                rep.failures.add(status + " [" + kind + "] " + request + " -> " + abbreviate(r.body(), 300));
                return;
            }
            JsonNode response = op.op().path("responses").path(Integer.toString(status));
            if (response.isMissingNode()) {
                rep.undocumented.merge(op.name() + " " + status, 1, Integer::sum);
                rep.undocumentedSample.putIfAbsent(op.name() + " " + status, "[" + kind + "] " + request + " -> " + abbreviate(r.body(), 200));
                return;
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode content = schemas.resolve(response).path("content");
            if (!content.isEmpty() && (r.body().isEmpty() || !documentedType(content, type))) {
                rep.schemaBreaks++;
                rep.failures.add(status + " documents " + fieldNames(content) + " but the answer is '" + type + "' with "
                        + r.body().length() + " chars [" + kind + "] " + request);
                return;
            }
            if (type.startsWith("application/json") && !r.body().isEmpty()) {
                JsonNode json;
                try {
                    json = Json.read(r.body());
                } catch (RuntimeException e) {
                    rep.schemaBreaks++;
                    rep.failures.add(status + " body is not JSON [" + kind + "] " + request + " -> " + abbreviate(r.body(), 200));
                    return;
                }
                List<String> problems = schemas.responseProblems(op.path(), op.method(), status, json);
                if (!problems.isEmpty()) {
                    rep.schemaBreaks++;
                    rep.failures.add(status + " breaks its schema " + problems + " [" + kind + "] " + request + " -> " + abbreviate(r.body(), 300));
                }
                if (status / 100 == 2) harvest(op, json);
            }
        }
    }

    /** Why the last {@link #send} gave no answer. */
    private String lastMiss = "";

    private HttpResponse<String> send(HttpRequest.Builder b) {
        long t0 = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            try {
                return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                lastMiss = "timed out after " + (System.nanoTime() - t0) / 1_000_000 + " ms";
                return null;
            } catch (IOException e) {
                // A connection the server closed while the body was still going up (after a 413,
                // say) loses the answer; one retry tells that from a server that does not answer.
                if (attempt == 1) {
                    lastMiss = e.getClass().getSimpleName() + " (" + e.getMessage() + ") twice, " + (System.nanoTime() - t0) / 1_000_000 + " ms";
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Remembers ids from a 2xx answer under the collection the operation belongs to. */
    private void harvest(Op op, JsonNode json) {
        String collection = collection(op.path());
        JsonNode data = json.has("data") ? json.get("data") : json;
        List<JsonNode> items = new ArrayList<>();
        if (data.isArray()) data.forEach(items::add);
        else items.add(data);
        for (JsonNode item : items) {
            JsonNode id = item.path("id");
            if (id.isValueNode() && !id.asText().isEmpty() && !op.path().contains("/executions")) {
                remember(collection, id.asText());
            }
            JsonNode exec = item.path("execution_id");
            if (exec.isValueNode() && !exec.asText().isEmpty() && op.path().contains("scheduler")) {
                remember(collection(op.path().replaceAll("/tasks.*", "/executions")), exec.asText());
            }
        }
        if (op.path().endsWith("/executions") && data.isArray() && op.path().contains("scheduler")) {
            for (JsonNode item : items) if (item.path("id").isValueNode()) remember(collection(op.path()), item.path("id").asText());
        }
    }

    private void remember(String collection, String id) {
        List<String> pool = ids.computeIfAbsent(collection, k -> new CopyOnWriteArrayList<>());
        if (pool.size() < 200 && !pool.contains(id)) pool.add(id);
    }

    /** The collection a path's first parameter belongs to: {@code /api/tasks/{id}/logs} → {@code /api/tasks}. */
    private static String collection(String path) {
        int i = path.indexOf("/{");
        String c = i < 0 ? path : path.substring(0, i);
        return c.replace("/api/v1/scheduler/", "/scheduler/");
    }

    // ---- paths and queries --------------------------------------------------------------------

    private String fillPath(Op op, Kind kind) {
        String path = op.path();
        for (Param p : op.params()) {
            if (!p.in().equals("path")) continue;
            String value;
            if (kind == Kind.BAD_ID) {
                value = pick("0", "-1", "99999999999999999999999", "task-", "task-0", "task--1", "key-abc", "conn-1.5", "abc", "%00",
                        "%F0%9F%92%A9", "%E2%80%AE", "..%2F..", "1.5", "%20", "x".repeat(300), "1e3", "0x10", "%C3%A9t%C3%A9",
                        "task-9223372036854775808", "9223372036854775807", "-0", "null", "true");
            } else if (op.body() == null && (kind == Kind.ODD_UNICODE || kind == Kind.EXTREME_NUMBER) && rnd.nextBoolean()) {
                value = encode(kind == Kind.ODD_UNICODE ? oddUnicode() : extremeNumber().asText());
            } else if (!p.schema().path("enum").isMissingNode()) {
                value = p.schema().path("enum").get(rnd.nextInt(p.schema().path("enum").size())).asText();
            } else if (p.schema().path("examples").isArray() && !p.schema().path("examples").isEmpty() && rnd.nextInt(4) != 0) {
                // A documented example is a value the route serves (the orchestrator's api_version):
                // random text there would only ever reach another face's 404.
                JsonNode examples = p.schema().path("examples");
                value = encode(examples.get(rnd.nextInt(examples.size())).asText());
            } else {
                List<String> pool = ids.get(collection(op.path()));
                if (op.path().startsWith("/api/workers/")) value = rnd.nextInt(4) == 0 ? "nobody" : workerId();
                else if (pool == null || pool.isEmpty() || rnd.nextInt(8) == 0) value = rnd.nextBoolean() ? "1" : "task-1";
                else value = pool.get(rnd.nextInt(pool.size()));
                value = encode(value);
            }
            if (isOwnKey(op.path(), value)) value = "key-999999";
            path = path.replace("{" + p.name() + "}", value);
        }
        return path;
    }

    private String workerId;

    private String workerId() {
        if (workerId == null) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/api/workers")).header("Authorization", "ApiKey " + adminKey));
            JsonNode first = r == null ? null : Json.read(r.body()).path("data").path(0).path("id");
            workerId = first == null || first.isMissingNode() ? "nobody" : first.asText();
        }
        return workerId;
    }

    private String query(Op op, Kind kind) {
        StringBuilder q = new StringBuilder();
        for (Param p : op.params()) {
            if (!p.in().equals("query")) continue;
            if (!p.required() && rnd.nextInt(3) == 0) continue;
            String v;
            if (kind == Kind.BAD_QUERY && rnd.nextBoolean()) {
                v = pick("-1", "0", "abc", "99999999999999999999", "1.5", "", "%00", "true", "%F0%9F%92%A9", "x".repeat(2000),
                        "2024-13-45T99:99:99Z", "NaN", "-9223372036854775808", "%5B%5D", "%2C%2C%2C");
            } else if (op.body() == null && kind == Kind.ODD_UNICODE && rnd.nextBoolean()) {
                v = encode(oddUnicode());
            } else if (op.body() == null && kind == Kind.EXTREME_NUMBER && rnd.nextBoolean()) {
                v = encode(extremeNumber().asText());
            } else if (op.body() == null && kind == Kind.HUGE_STRING && rnd.nextBoolean()) {
                v = "h".repeat(1000 + rnd.nextInt(3000));
            } else {
                JsonNode val = gen(p.schema(), 0, p.name());
                v = encode(val.isTextual() ? val.asText() : val.toString());
            }
            q.append(q.isEmpty() ? "?" : "&").append(p.name()).append('=').append(v);
        }
        if (kind == Kind.BAD_QUERY && rnd.nextBoolean()) q.append(q.isEmpty() ? "?" : "&").append(pick("unknown=1", "limit=1&limit=2", "&&", "=x", "a%5B%5D=1"));
        return q.toString();
    }

    // ---- values from schemas --------------------------------------------------------------------

    /** A value the schema accepts, with safe content for the fields that make the server act. */
    JsonNode gen(JsonNode raw, int depth, String field) {
        JsonNode s = schemas.resolveStrict(raw);
        if (s.has("const")) return s.get("const");
        if (s.has("enum") && !s.get("enum").isEmpty()) return s.get("enum").get(rnd.nextInt(s.get("enum").size()));
        if (s.has("anyOf") || s.has("oneOf")) {
            JsonNode alts = s.has("anyOf") ? s.get("anyOf") : s.get("oneOf");
            return gen(alts.get(rnd.nextInt(alts.size())), depth + 1, field);
        }
        String type = type(s);
        return switch (type) {
            case "object" -> {
                ObjectNode o = F.objectNode();
                if (field.equals("payload") && !s.has("properties")) {
                    // A schedule's shell payload; safe like every command here.
                    yield o.put("command", "echo fz" + (++counter));
                }
                Set<String> required = new TreeSet<>();
                s.path("required").forEach(r -> required.add(r.asText()));
                for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = it.next();
                    if (required.contains(p.getKey()) || depth < 3 && rnd.nextBoolean()) o.set(p.getKey(), gen(p.getValue(), depth + 1, p.getKey()));
                }
                if (s.path("additionalProperties").isObject() && rnd.nextBoolean()) {
                    o.set("K" + rnd.nextInt(100), gen(s.get("additionalProperties"), depth + 1, "additional"));
                }
                yield o;
            }
            case "array" -> {
                ArrayNode a = F.arrayNode();
                int min = s.path("minItems").asInt(0);
                int max = s.has("maxItems") ? s.get("maxItems").asInt() : min + 2;
                int n = depth > 3 ? min : min + rnd.nextInt(Math.max(1, max - min + 1));
                for (int i = 0; i < n; i++) a.add(gen(s.path("items"), depth + 1, field));
                if (field.equals("dependencies")) {
                    a.removeAll();
                    List<String> pool = ids.get("/api/tasks");
                    if (pool != null && !pool.isEmpty() && rnd.nextBoolean()) a.add(pool.get(rnd.nextInt(pool.size())));
                }
                yield a;
            }
            case "string" -> {
                String v = string(s, field);
                int min = s.path("minLength").asInt(0);
                if (v.length() < min) v = v + "p".repeat(min - v.length());
                if (s.has("maxLength") && v.length() > s.get("maxLength").asInt()) v = v.substring(0, s.get("maxLength").asInt());
                yield F.textNode(v);
            }
            case "integer" -> F.numberNode(integer(s, field));
            case "number" -> F.numberNode(rnd.nextDouble() * 100);
            case "boolean" -> F.booleanNode(rnd.nextBoolean());
            case "null" -> F.nullNode();
            default -> F.textNode(word());
        };
    }

    private String type(JsonNode s) {
        JsonNode t = s.path("type");
        if (t.isArray()) {
            List<String> types = new ArrayList<>();
            t.forEach(x -> types.add(x.asText()));
            // Mostly the non-null type: null is one value, the other type is where the work is.
            if (types.size() > 1 && types.contains("null") && rnd.nextInt(4) != 0) types.remove("null");
            return types.get(rnd.nextInt(types.size()));
        }
        if (t.isTextual()) return t.asText();
        if (s.has("properties")) return "object";
        return "string";
    }

    private String string(JsonNode s, String field) {
        if ("date-time".equals(s.path("format").asText())) {
            return Instant.ofEpochSecond(1_700_000_000L + rnd.nextInt(400_000_000)).toString();
        }
        int n = ++counter;
        return switch (field) {
            case "command" -> "echo fz" + n;
            case "url" -> "http://127.0.0.1:9/fz" + n;
            case "host" -> "127.0.0.1";
            case "working_directory" -> "/tmp";
            case "name" -> "fz-" + n + "-" + word();
            case "cron", "schedule", "cron_schedule" -> pick("0 2 * * *", "@hourly", "*/5 * * * *", "@every 1h", "0 0 12 * * *",
                    "0 0 0 1 1 * 2001", "CRON_TZ=Europe/Berlin 0 3 * * 1-5", "61 * * * *", "@every 0s");
            case "timezone" -> pick("UTC", "Europe/Berlin", "America/New_York", "Mars/Olympus");
            case "period" -> pick("hour", "day", "week", "month");
            case "sort" -> pick("priority", "created_at", "name");
            case "order" -> pick("asc", "desc");
            case "backoff" -> pick("exponential", "fixed", "linear");
            default -> word();
        };
    }

    private long integer(JsonNode s, String field) {
        long min = s.has("minimum") ? s.get("minimum").asLong() : 0;
        long max = s.has("maximum") ? s.get("maximum").asLong() : Math.max(min + 100, 100);
        if (field.equals("connection_id")) {
            List<String> pool = ids.get("/api/connections");
            if (pool != null && !pool.isEmpty()) {
                String digits = pool.get(rnd.nextInt(pool.size())).replaceAll("\\D", "");
                return digits.isEmpty() ? 1 : Long.parseLong(digits);
            }
        }
        if (field.equals("port")) return 1 + rnd.nextInt(65535);
        if (field.endsWith("timeout") || field.endsWith("seconds") || field.equals("retry_delay")) max = Math.min(max, 5);
        return min + (long) (rnd.nextDouble() * (max - min + 1));
    }

    // ---- mutations ----------------------------------------------------------------------------

    private interface ValueMutation {
        JsonNode apply(JsonNode current);
    }

    /** Replaces one top-level property (or the whole body) by what the mutation gives. */
    private JsonNode mutateOne(JsonNode body, JsonNode schema, ValueMutation m) {
        if (!body.isObject() || body.isEmpty() || rnd.nextInt(6) == 0) return m.apply(body);
        ObjectNode o = (ObjectNode) body.deepCopy();
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        String name = names.get(rnd.nextInt(names.size()));
        JsonNode cur = o.get(name);
        if (cur.isObject() && !cur.isEmpty() && rnd.nextBoolean()) o.set(name, mutateOne(cur, schema.path("properties").path(name), m));
        else o.set(name, m.apply(cur));
        return o;
    }

    private JsonNode wrongType(JsonNode v) {
        List<JsonNode> options = new ArrayList<>(List.of(F.textNode("x"), F.numberNode(7), F.numberNode(1.5), F.booleanNode(true),
                F.nullNode(), F.arrayNode().add(1).add("a"), F.objectNode().put("k", "v"), F.textNode(""), F.arrayNode()));
        options.removeIf(o -> o.getNodeType() == v.getNodeType() && !(v.isNumber() && o.isNumber()));
        return options.get(rnd.nextInt(options.size()));
    }

    private JsonNode dropRequired(JsonNode body, JsonNode schema) {
        if (!body.isObject()) return body;
        ObjectNode o = (ObjectNode) body.deepCopy();
        List<String> required = new ArrayList<>();
        schemas.resolveStrict(schema).path("required").forEach(r -> required.add(r.asText()));
        if (required.isEmpty()) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            if (!names.isEmpty()) o.remove(names.get(rnd.nextInt(names.size())));
        } else {
            o.remove(required.get(rnd.nextInt(required.size())));
            if (rnd.nextInt(4) == 0) required.forEach(o::remove);
        }
        return o;
    }

    private JsonNode mutateStrings(JsonNode v, java.util.function.Supplier<String> s) {
        if (v.isTextual()) return F.textNode(s.get());
        if (v.isObject()) {
            ObjectNode o = (ObjectNode) v.deepCopy();
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            boolean any = false;
            for (String n : names) {
                if (o.get(n).isTextual() && (rnd.nextBoolean() || !any)) {
                    if (!n.equals("command") && !n.equals("url") && !n.equals("host")) {
                        o.put(n, s.get());
                        any = true;
                    } else {
                        // Stays safe to run or reach: odd, but only in what the server echoes back.
                        o.put(n, n.equals("command") ? "echo " + s.get().replaceAll("[^\\p{L}\\p{N} ]", "") : o.get(n).asText() + s.get()
                                .replaceAll("[^\\p{L}\\p{N}]", ""));
                    }
                } else if (o.get(n).isContainerNode() && rnd.nextBoolean()) {
                    o.set(n, mutateStrings(o.get(n), s));
                }
            }
            if (!any && rnd.nextBoolean()) {
                String odd = s.get();
                o.put(odd.substring(0, Math.min(50, odd.length())), odd);
            }
            return o;
        }
        if (v.isArray()) {
            ArrayNode a = F.arrayNode();
            v.forEach(e -> a.add(mutateStrings(e, s)));
            if (a.isEmpty()) a.add(s.get());
            return a;
        }
        return v;
    }

    private JsonNode mutateNumbers(JsonNode v) {
        if (v.isNumber()) return extremeNumber();
        if (v.isObject()) {
            ObjectNode o = (ObjectNode) v.deepCopy();
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            boolean any = false;
            for (String n : names) {
                if (o.get(n).isNumber()) {
                    o.set(n, extremeNumber());
                    any = true;
                } else if (o.get(n).isContainerNode()) {
                    o.set(n, mutateNumbers(o.get(n)));
                }
            }
            if (!any && !names.isEmpty()) o.set(names.get(rnd.nextInt(names.size())), extremeNumber());
            return o;
        }
        if (v.isArray()) {
            ArrayNode a = F.arrayNode();
            v.forEach(e -> a.add(mutateNumbers(e)));
            return a;
        }
        return v;
    }

    private JsonNode extremeNumber() {
        return switch (rnd.nextInt(12)) {
            case 0 -> F.numberNode(-1);
            case 1 -> F.numberNode(Integer.MIN_VALUE);
            case 2 -> F.numberNode(Long.MAX_VALUE);
            case 3 -> F.numberNode(Long.MIN_VALUE);
            case 4 -> F.numberNode(new BigInteger("123456789012345678901234567890"));
            case 5 -> F.numberNode(1e308);
            case 6 -> F.numberNode(-0.0);
            case 7 -> F.numberNode(1.5);
            case 8 -> F.numberNode(1e-9);
            case 9 -> F.numberNode(Integer.MAX_VALUE + 1L);
            case 10 -> F.numberNode(0);
            default -> F.numberNode(new java.math.BigDecimal("1e400"));
        };
    }

    private String malformed() {
        return switch (rnd.nextInt(16)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "{\"name\":";
            case 3 -> "[]";
            case 4 -> "null";
            case 5 -> "\"just a string\"";
            case 6 -> "123";
            case 7 -> "{\"a\":1}}";
            case 8 -> "[".repeat(5000) + "]".repeat(5000);
            case 9 -> "{\"a\":".repeat(3000) + "1" + "}".repeat(3000);
            case 10 -> "{\"a\": NaN}";
            case 11 -> "{'name': 'single quotes'}";
            case 12 -> "{\"name\": \"\\ud800\"}";
            case 13 -> "{\"name\": \"x\", \"name\": \"y\"}";
            case 14 -> "\u0000\u0001\u0002";
            default -> "{\"a\": 1, /* comment */ \"b\": 2}";
        };
    }

    private String huge() {
        return rnd.nextInt(4) == 0 ? "h".repeat((1 << 20) + 100) : "h".repeat(100_000 + rnd.nextInt(100_000));
    }

    private String oddUnicode() {
        return pick("\u202eevil\u202c", "zero\u200bwidth\u200d", "emoji \ud83d\udca9\ud83c\udff3\ufe0f\u200d\ud83c\udf08", "e\u0301\u0301\u0301",
                "\u0000nul", "\ufeffbom", "\uffff\ufffe", "\u0434\u0430\u043d\u043d\u044b\u0435", "\u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627",
                "tab\tnew\nline\r", "\u00a0\u2028\u2029", "%s%n%x", "\u1d00\u1d04", " ", "");
    }

    private String word() {
        String letters = "abcdefghijklmnopqrstuvwxyz0123456789-_.";
        StringBuilder b = new StringBuilder();
        int n = 1 + rnd.nextInt(12);
        for (int i = 0; i < n; i++) b.append(letters.charAt(rnd.nextInt(letters.length())));
        return b.toString();
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private JsonNode strictSchema(JsonNode schema) {
        // Generation works on the strict view: allOf merged, so a generated object lists all its properties.
        JsonNode s = schema;
        if (s.has("$ref")) s = strict.at(s.get("$ref").asText().substring(1));
        return s;
    }

    private static List<JsonNode> concat(JsonNode a, JsonNode b) {
        List<JsonNode> out = new ArrayList<>();
        a.forEach(out::add);
        b.forEach(out::add);
        return out;
    }

    /**
     * The exact media type for JSON; for text, the type without parameters, since a path that
     * leaves the route (a traversal like {@code ..%2F..}) gets the server's own plain-text 404.
     */
    private static boolean documentedType(JsonNode content, String type) {
        if (content.has(type) || type.startsWith("application/json")) return content.has(type);
        String base = type.replaceAll(";.*", "").trim();
        for (String documented : fieldNames(content)) if (documented.replaceAll(";.*", "").trim().equals(base)) return true;
        return false;
    }

    private static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static String abbreviate(String s, int max) {
        String one = s.replace("\n", "\\n");
        return one.length() > max ? one.substring(0, max) + "…(" + s.length() + " chars)" : one;
    }
}
