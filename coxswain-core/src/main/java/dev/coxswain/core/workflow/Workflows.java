package dev.coxswain.core.workflow;

import dev.coxswain.core.engine.TaskEndings;
import dev.coxswain.core.engine.WorkerEvents;
import dev.coxswain.core.runtime.DutyRunner;
import dev.coxswain.core.runtime.Signal;
import dev.coxswain.core.service.QuotaService;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The workflow engine's parts, built in two steps because the task layer needs the job hook
 * ({@link #endings()}) before the task service that the job steps use exists.
 */
public final class Workflows {
    /** How often the stepper and the deadline watcher look without being woken (other nodes' changes). */
    private static final Duration IDLE = Duration.ofSeconds(1);
    private final JobStore jobs;
    private final Signal stepSignal = new Signal();
    private final Signal deadlineSignal = new Signal();
    private final JobTaskEndings endings;
    private final JobHistoryStore history = new JobHistoryStore();
    private final JobNotifier notifier;
    private final JobWorkerEvents workerEvents;

    /** @param notifier queues jobs' webhooks */
    public Workflows(Database db, JobNotifier notifier) {
        this.jobs = new JobStore(db.dialect());
        this.notifier = notifier;
        this.endings = new JobTaskEndings(jobs, stepSignal::raise);
        this.workerEvents = new JobWorkerEvents(jobs, history, notifier);
    }

    /** The hook the remote-worker protocol calls for every progress and custom event of a task. */
    public WorkerEvents workerEvents() {
        return workerEvents;
    }

    /** The hook the task layer calls in every transaction that ends a task. */
    public TaskEndings endings() {
        return endings;
    }

    /** The service and the two duties that drive jobs. */
    public record Wired(WorkflowService service, List<DutyRunner> runners) {
    }

    /** @param quotas charged once per job a client starts, in the creating transaction */
    public Wired wire(Database db, TaskService tasks, QuotaService quotas, Supplier<Set<String>> knownSkills, Clock clock) {
        BlueprintStore blueprintStore = new BlueprintStore();
        BlueprintRegistry registry = new BlueprintRegistry(blueprintStore);
        JobSteps steps = new JobSteps(jobs, history, registry, tasks, notifier, stepSignal::raise, deadlineSignal::raise);
        WorkflowService service = new WorkflowService(db, blueprintStore, registry, jobs, history, steps, quotas, knownSkills,
                clock);
        return new Wired(service, List.of(
                new DutyRunner(new WorkflowStepper(db, jobs, steps, clock, IDLE), stepSignal, IDLE),
                new DutyRunner(new JobTimeouts(db, jobs, steps, clock, IDLE), deadlineSignal, IDLE)));
    }
}
