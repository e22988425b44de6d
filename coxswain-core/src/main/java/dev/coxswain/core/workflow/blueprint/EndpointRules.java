package dev.coxswain.core.workflow.blueprint;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which {@code api_endpoint}s a blueprint may claim. A blueprint is started by
 * {@code POST /api/<api_version><api_endpoint>}; that route must not shadow a built-in one.
 * {@link #RULES} is the list of built-ins, each relative to {@code /api/<version>}; the
 * orchestrator face mounts its common routes under every version, the other faces only under v1.
 * {@code /jobs/<name>} (one segment that is not a job id) stays allowed: it is the original
 * orchestrator's own example ({@code /api/v1/jobs/simple_flow}).
 */
public final class EndpointRules {
    static final int MAX_LENGTH = 200;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");
    /** Chadburn's job ids ({@code job-<n>}) and the orchestrator's job ids (UUIDs). */
    private static final Pattern JOB_ID = Pattern.compile(
            "job-[0-9]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** One built-in route family: what it is, which versions have it, and which endpoints it covers. */
    record Rule(String builtIn, String version, Predicate<List<String>> covers) {
        boolean refuses(String apiVersion, List<String> segments) {
            return (version == null || version.equals(apiVersion)) && covers.test(segments);
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule("/jobs (the job list)", null, s -> s.size() == 1 && s.get(0).equals("jobs")),
            new Rule("/jobs/{id}", null, s -> s.size() == 2 && s.get(0).equals("jobs") && JOB_ID.matcher(s.get(1)).matches()),
            new Rule("/jobs/{id}/... (job actions, history, files)", null, s -> s.size() > 2 && s.get(0).equals("jobs")),
            startsWith("/blueprints", null),
            startsWith("/workers", null),
            startsWith("/dashboard", null),
            startsWith("/admin", null),
            startsWith("/task", null),
            startsWith("/license", null),
            startsWith("/scheduler", "v1"));

    private EndpointRules() {
    }

    /** @return null when {@code endpoint} is acceptable under {@code apiVersion}, else why not */
    public static String problem(String apiVersion, String endpoint) {
        if (endpoint.length() > MAX_LENGTH) return "must be at most " + MAX_LENGTH + " characters";
        if (!endpoint.startsWith("/")) return "must start with '/'";
        List<String> segments = Arrays.asList(endpoint.substring(1).split("/", -1));
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                return "'" + endpoint + "' is not a path of segments made of letters, digits, '_', '.' and '-'";
            }
        }
        for (Rule rule : RULES) {
            if (rule.refuses(apiVersion, segments)) {
                return "'/api/" + apiVersion + endpoint + "' would shadow the built-in route /api/" + apiVersion
                        + rule.builtIn();
            }
        }
        return null;
    }

    /** Covers every endpoint whose text starts with {@code prefix} ({@code /task} covers {@code /tasks/x}). */
    private static Rule startsWith(String prefix, String version) {
        return new Rule(prefix + "...", version, s -> ("/" + String.join("/", s)).startsWith(prefix));
    }
}
