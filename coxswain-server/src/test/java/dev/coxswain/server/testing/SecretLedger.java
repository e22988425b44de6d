package dev.coxswain.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything the server said during the test run — every response the test clients received,
 * every log record of in-process servers, the output of server subprocesses — and every secret
 * the tests used. {@code SecretsScanTest} runs last and proves no secret appears anywhere except
 * in the one response that created it (a key or webhook secret is shown once, by design).
 *
 * <p>Static because it spans the whole run of the module's tests (one JVM); test code only.
 */
public final class SecretLedger {
    private static final int MAX_DOC = 1 << 20;
    private static final List<String> labels = new ArrayList<>();
    private static final List<String> docs = new ArrayList<>();
    /** secret → the indexes of the responses allowed to contain it (the ones that created it). */
    private static final Map<String, java.util.Set<Integer>> secrets = new LinkedHashMap<>();
    private static final StringBuilder log = new StringBuilder();

    static {
        Handler capture = new Handler() {
            private final SimpleFormatter fmt = new SimpleFormatter();

            @Override
            public void publish(LogRecord r) {
                String line = fmt.format(r);
                synchronized (SecretLedger.class) {
                    if (log.length() < 64 * MAX_DOC) log.append(line);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(java.util.logging.Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    private SecretLedger() {
    }

    /** Makes sure the log capture is installed before a server starts. */
    public static void install() {
        // The static initializer does the work.
    }

    public static synchronized void secret(String value) {
        if (value != null && value.length() >= 8) secrets.computeIfAbsent(value, k -> new java.util.HashSet<>());
    }

    /**
     * Records a response. A JSON body with {@code data.secret} is a creation that shows its secret
     * once: the secret is registered, and this response is its one allowed place.
     */
    public static synchronized void response(String label, String headers, String body) {
        String doc = headers + "\n" + (body == null ? "" : body);
        int idx = add(label, doc);
        if (body == null || body.isEmpty() || body.charAt(0) != '{') return;
        try {
            JsonNode secret = Json.MAPPER.readTree(body).path("data").path("secret");
            if (secret.isTextual()) secrets.computeIfAbsent(secret.asText(), k -> new java.util.HashSet<>()).add(idx);
        } catch (java.io.IOException | RuntimeException e) {
            // not JSON: nothing minted
        }
    }

    /** Records output the server wrote somewhere else (a subprocess's stdout and stderr). */
    public static synchronized void output(String label, String text) {
        add(label, text);
    }

    private static int add(String label, String doc) {
        labels.add(label);
        docs.add(doc.length() > MAX_DOC ? doc.substring(0, MAX_DOC) : doc);
        return docs.size() - 1;
    }

    /** Every place a secret appears where it must not, as readable lines; empty when clean. */
    public static synchronized List<String> violations() {
        List<String> out = new ArrayList<>();
        String logText = log.toString();
        for (var s : secrets.entrySet()) {
            String shown = s.getKey().substring(0, 4) + "…";
            if (logText.contains(s.getKey())) out.add("server log contains secret " + shown);
            for (int i = 0; i < docs.size(); i++) {
                if (!s.getValue().contains(i) && docs.get(i).contains(s.getKey())) {
                    out.add(labels.get(i) + " contains secret " + shown);
                }
            }
        }
        return out;
    }

    public static synchronized int responses() {
        return docs.size();
    }

    public static synchronized int secretCount() {
        return secrets.size();
    }
}
