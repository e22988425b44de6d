package dev.coxswain.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.QuotaService;
import dev.coxswain.core.webhook.JobWebhooks;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.workflow.blueprint.BlueprintInvalidException;
import dev.coxswain.core.workflow.blueprint.Blueprints;
import dev.coxswain.core.workflow.blueprint.DotGraph;
import dev.coxswain.core.workflow.blueprint.InputSchema;
import dev.coxswain.core.workflow.blueprint.Problem;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Blueprints and the jobs that run them: what the orchestrator face and the native API call.
 * Every change is one transaction on the job's locked row.
 */
public final class WorkflowService {
    private final Database db;
    private final BlueprintStore blueprintStore;
    private final BlueprintRegistry registry;
    private final JobStore jobs;
    private final JobHistoryStore history;
    private final JobSteps steps;
    private final Supplier<Set<String>> knownSkills;
    private final QuotaService quotas;
    private final Clock clock;

    WorkflowService(Database db, BlueprintStore blueprintStore, BlueprintRegistry registry, JobStore jobs,
                    JobHistoryStore history, JobSteps steps, QuotaService quotas, Supplier<Set<String>> knownSkills,
                    Clock clock) {
        this.quotas = quotas;
        this.db = db;
        this.blueprintStore = blueprintStore;
        this.registry = registry;
        this.jobs = jobs;
        this.history = history;
        this.steps = steps;
        this.knownSkills = knownSkills;
        this.clock = clock;
    }

    // ---- blueprints ----------------------------------------------------------------------------

    /** A stored version, with the warnings its validation gave (unknown skills, unknown child blueprints). */
    public record Registered(StoredBlueprint blueprint, List<Problem> warnings) {
    }

    /**
     * Validates and stores a blueprint as its next version. Its endpoint may not be one another
     * blueprint serves.
     *
     * @throws BlueprintInvalidException with every problem found
     */
    public Registered register(String source, String format, String by) {
        Set<String> names = new LinkedHashSet<>();
        for (StoredBlueprint b : blueprints()) names.add(b.name());
        Blueprints.Loaded loaded = Blueprints.load(source, format, knownSkills.get(), names);
        var bp = loaded.blueprint();
        Instant now = clock.instant();
        StoredBlueprint stored = db.write(tx -> {
            if (bp.apiEndpoint() != null) {
                for (BlueprintStore.Row r : blueprintStore.latestOfEach(tx.connection())) {
                    if (!r.name().equals(bp.name()) && bp.apiEndpoint().equals(r.apiEndpoint())
                            && bp.apiVersion().equals(r.apiVersion())) {
                        throw new BlueprintInvalidException(List.of(Problem.error("api_endpoint",
                                "/api/" + bp.apiVersion() + bp.apiEndpoint() + " is already served by blueprint '"
                                        + r.name() + "'")));
                    }
                }
            }
            int version = blueprintStore.latestVersion(tx.connection(), bp.name()) + 1;
            var row = new BlueprintStore.Row(bp.name(), version, bp.apiVersion(), bp.apiEndpoint(),
                    Json.write(bp.definition()), by, now);
            blueprintStore.insert(tx, row);
            return registry.cache(row);
        });
        return new Registered(stored, loaded.warnings());
    }

    /** The newest version of every blueprint. */
    public List<StoredBlueprint> blueprints() {
        return db.read(c -> {
            List<StoredBlueprint> out = new ArrayList<>();
            for (BlueprintStore.Row r : blueprintStore.latestOfEach(c)) out.add(registry.cache(r));
            return out;
        });
    }

    public List<StoredBlueprint> versions(String name) {
        List<StoredBlueprint> out = db.read(c -> {
            List<StoredBlueprint> l = new ArrayList<>();
            for (BlueprintStore.Row r : blueprintStore.versions(c, name)) l.add(registry.cache(r));
            return l;
        });
        if (out.isEmpty()) throw new NotFoundException("Blueprint not found");
        return out;
    }

    /** @throws NotFoundException when there is no blueprint of that name */
    public StoredBlueprint blueprint(String name) {
        StoredBlueprint b = db.read(c -> registry.latest(c, name));
        if (b == null) throw new NotFoundException("Blueprint not found");
        return b;
    }

    public StoredBlueprint blueprint(String name, int version) {
        StoredBlueprint b = db.read(c -> registry.get(c, name, version));
        if (b == null) throw new NotFoundException("Blueprint not found");
        return b;
    }

    /** The blueprint whose newest version serves {@code POST /api/<apiVersion><endpoint>}. */
    public Optional<StoredBlueprint> byEndpoint(String apiVersion, String endpoint) {
        for (StoredBlueprint b : blueprints()) {
            if (endpoint.equals(b.apiEndpoint()) && apiVersion.equals(b.apiVersion())) return Optional.of(b);
        }
        return Optional.empty();
    }

    /** The API versions some blueprint serves an endpoint under (the common job routes exist for each). */
    public Set<String> apiVersions() {
        Set<String> out = new LinkedHashSet<>();
        for (StoredBlueprint b : blueprints()) if (b.apiEndpoint() != null) out.add(b.apiVersion());
        return out;
    }

    /** The newest version's graph in DOT. */
    public String graph(String name) {
        return DotGraph.render(blueprint(name).blueprint());
    }

    // ---- jobs ----------------------------------------------------------------------------------

    /**
     * Starts a job of the newest version of the blueprint, charging the owner's monthly job quota.
     *
     * @throws InputValidationException when initial_data does not satisfy the blueprint's input schema
     * @throws dev.coxswain.core.service.QuotaExceededException when the owner's quota is used up
     */
    public Job create(String blueprintName, NewJob n) {
        StoredBlueprint bp = blueprint(blueprintName);
        if (n.initialData() != null && !n.initialData().isNull() && !n.initialData().isObject()) {
            throw new ValidationException("initial_data", "must be an object");
        }
        if (n.webhookUrl() != null) JobWebhooks.checkUrl(n.webhookUrl());
        checkTimeout("dispatch_timeout", n.dispatchTimeout());
        checkTimeout("result_timeout", n.resultTimeout());
        InputSchema schema = bp.schema();
        if (schema != null) {
            List<String> errors = schema.validate(n.initialData() == null || n.initialData().isNull() ? Json.object()
                    : n.initialData());
            if (!errors.isEmpty()) throw new InputValidationException(bp.name(), String.join("; ", errors));
        }
        return db.write(tx -> {
            // Counted in the creating transaction: a creation that fails is not charged.
            quotas.charge(tx, n.owner());
            return steps.create(tx, bp, n, null, clock.instant()).snapshot();
        });
    }

    private static void checkTimeout(String field, Integer v) {
        if (v != null && v <= 0) throw new ValidationException(field, "must be a positive number of seconds");
    }

    /** @throws NotFoundException when there is no such job */
    public Job get(String id) {
        JobRow j = db.read(c -> jobs.find(c, id));
        if (j == null) throw new NotFoundException("Job not found");
        return j.snapshot();
    }

    /** Jobs, newest first; {@code owner} null for every owner's. */
    public Page<Job> list(String owner, JobStatus status, int offset, int limit) {
        return list(owner, null, status, offset, limit);
    }

    /** Jobs, newest first; {@code owner}, {@code blueprint} and {@code status} null for "any". */
    public Page<Job> list(String owner, String blueprint, JobStatus status, int offset, int limit) {
        return db.read(c -> jobs.list(c, owner, blueprint, status, offset, limit));
    }

    /** How many of the newest rows of the first filter a second filter looks through. */
    public static final int RECENT_WINDOW = 5_000;

    /**
     * The newest jobs (at most {@code limit}), for a dashboard: each filter null for "any", no
     * total counted, every read on an index and bounded.
     *
     * @param windowed true when a second filter looked only through the newest
     *                 {@value #RECENT_WINDOW} jobs of the first and found fewer than asked
     */
    public record RecentJobs(List<Job> jobs, boolean windowed) {
    }

    public RecentJobs recent(String owner, String blueprint, JobStatus status, int limit) {
        if (limit < 1 || limit > 500) throw new IllegalArgumentException("limit must be between 1 and 500");
        JobStore.Recent r = db.read(c -> jobs.recent(c, owner, blueprint, status, limit, RECENT_WINDOW));
        return new RecentJobs(r.jobs(), r.windowed());
    }

    public List<Job> quarantined(String owner) {
        return list(owner, JobStatus.QUARANTINED, 0, 1000).items();
    }

    public Map<String, Long> countsByStatus() {
        return db.read(jobs::countsByStatus);
    }

    public List<JobEvent> history(String id) {
        get(id);
        return db.read(c -> history.of(c, id));
    }

    /**
     * Cancels a job that has not ended.
     *
     * @throws NotFoundException unknown job; {@link ConflictException} when it has already ended
     */
    public Job cancel(String id) {
        return db.write(tx -> {
            JobRow j = jobs.findForUpdate(tx, id);
            if (j == null) throw new NotFoundException("Job not found");
            if (j.status.terminal()) throw new ConflictException("Job is already " + j.status.wire());
            steps.cancel(tx, j, clock.instant());
            return j.snapshot();
        });
    }

    /**
     * A human's decision for a job waiting for approval (or overriding a step waiting for a worker).
     *
     * @throws ConflictException when the job waits for neither; {@link ValidationException} for a
     *                           decision its state has no transition for
     */
    public Job decide(String id, String decision, JsonNode security, JsonNode metadata) {
        return db.write(tx -> {
            JobRow j = jobs.findForUpdate(tx, id);
            if (j == null) throw new NotFoundException("Job not found");
            if (j.status != JobStatus.WAITING_FOR_HUMAN && j.status != JobStatus.WAITING_FOR_WORKER) {
                throw new ConflictException("Job is not awaiting approval (status: " + j.status.wire() + ")");
            }
            if (metadata != null && metadata.isObject()) {
                var m = j.metadata != null && j.metadata.isObject() ? (com.fasterxml.jackson.databind.node.ObjectNode) j.metadata
                        : Json.object();
                m.setAll((com.fasterxml.jackson.databind.node.ObjectNode) metadata);
                j.metadata = m;
            }
            if (security != null && security.isObject()) j.data.set("security", security);
            steps.decide(tx, j, decision, clock.instant());
            return j.snapshot();
        });
    }

    /** Deletes every job and its history (the development-only flush). Blueprints stay. */
    public void flush() {
        db.write(tx -> {
            jobs.deleteAll(tx);
            return null;
        });
    }
}
