package dev.coxswain.core.node;

import dev.coxswain.core.engine.AttemptProcesses;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.engine.Completer;
import dev.coxswain.core.engine.DeadNodeReaper;
import dev.coxswain.core.engine.Dispatcher;
import dev.coxswain.core.engine.LeaseReaper;
import dev.coxswain.core.engine.LocalWorker;
import dev.coxswain.core.engine.Promoter;
import dev.coxswain.core.engine.SystemResources;
import dev.coxswain.core.engine.TaskLogBuffer;
import dev.coxswain.core.engine.TaskTransitions;
import dev.coxswain.core.engine.TimeoutWatcher;
import dev.coxswain.core.engine.WorkerHeartbeat;
import dev.coxswain.core.engine.WorkerLiveness;
import dev.coxswain.core.dashboard.DashboardService;
import dev.coxswain.core.device.DeviceTaskService;
import dev.coxswain.core.remote.DeviceRegistry;
import dev.coxswain.core.remote.RemoteChannels;
import dev.coxswain.core.remote.RemoteDispatcher;
import dev.coxswain.core.remote.RemoteTimeouts;
import dev.coxswain.core.remote.SocketPinger;
import dev.coxswain.core.remote.RemoteWorkers;
import dev.coxswain.core.remote.WorkerTokens;
import dev.coxswain.core.store.WorkerTokenStore;
import dev.coxswain.core.store.DeviceStore;
import dev.coxswain.core.store.DeviceTaskStore;
import dev.coxswain.core.runtime.DutyRunner;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.runtime.Signal;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.core.exec.TaskExecutor;
import dev.coxswain.core.service.ApiKeyService;
import dev.coxswain.core.service.IdempotencyService;
import dev.coxswain.core.service.QuotaService;
import dev.coxswain.core.store.IdempotencyStore;
import dev.coxswain.core.service.SystemService;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.service.WorkerService;
import dev.coxswain.core.store.ApiKeyStore;
import dev.coxswain.core.store.ClusterBus;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.EventStore;
import dev.coxswain.core.store.LogStore;
import dev.coxswain.core.store.ProcessStore;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.schedule.ScheduleFirer;
import dev.coxswain.core.schedule.ScheduleService;
import dev.coxswain.core.store.ScheduleStore;
import dev.coxswain.core.store.SealedEnv;
import dev.coxswain.core.store.Sealer;
import dev.coxswain.core.store.SecretSweep;
import dev.coxswain.core.store.ServerSecretStore;
import dev.coxswain.core.store.WebhookStore;
import dev.coxswain.core.store.WorkerStore;
import dev.coxswain.core.workflow.WebhookJobNotifier;
import dev.coxswain.core.workflow.WorkflowService;
import dev.coxswain.core.workflow.Workflows;
import dev.coxswain.core.webhook.AddressGuard;
import dev.coxswain.core.webhook.JobWebhooks;
import dev.coxswain.core.webhook.PinnedHttpSender;
import dev.coxswain.core.webhook.WebhookDeliverer;
import dev.coxswain.core.webhook.WebhookService;
import dev.coxswain.core.webhook.WebhookSettings;
import dev.coxswain.core.webhook.WorkflowWebhookSecret;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Wires the store, the duties, the local worker and the application services of one node, and
 * runs its lifecycle: {@link #start()}, then {@link #shutdown(Duration)} (stop claiming, let
 * running attempts finish within the grace period, release the rest to the queue).
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Engine.class.getName());

    private final Database db;
    private final EngineConfig cfg;
    private final Signal dispatchSignal = new Signal();
    private final Signal promoteSignal = new Signal();
    private final Signal timeoutSignal = new Signal();
    private final Signal deliverySignal = new Signal();
    private final Signal remoteSignal = new Signal();
    private final RemoteChannels remoteChannels;
    private final DeviceRegistry deviceRegistry;
    private final DeviceTaskService deviceTasks;
    private final DashboardService dashboard;
    private final RemoteDispatcher remoteDispatcher;
    private final RemoteWorkers remoteWorkers;
    private final WorkerTokens workerTokens;
    private final LocalWorker worker;
    private final Completer completer;
    private final Dispatcher dispatcher;
    private final WorkerHeartbeat heartbeat;
    private final List<DutyRunner> runners;
    private final DutyRunner dispatchRunner;
    private final TaskService taskService;
    private final WorkerService workerService;
    private final SystemService systemService;
    private final ApiKeyService apiKeyService;
    private final dev.coxswain.core.service.SessionService sessions;
    private final IdempotencyService idempotency;
    private final WebhookService webhookService;
    private final WorkflowWebhookSecret workflowWebhookSecret;
    private final JobWebhooks jobWebhooks;
    private final QuotaService quotas;
    private final ScheduleService scheduleService;
    private final ScheduleFirer firer;
    private final DutyRunner firerRunner;
    private final WorkflowService workflowService;
    private final List<DutyRunner> workflowRunners;
    private final Signal scheduleSignal = new Signal();
    /** The deliverer's slow poll: deliveries written by other nodes, retries coming due. */
    private static final Duration WEBHOOK_IDLE = Duration.ofSeconds(5);
    /**
     * How often each node looks for nodes whose lock ended, and how long one must stay without it
     * before it counts as dead (two looks in a row): far above a live node's reconnect, far below
     * a lease.
     */
    static final Duration NODE_WATCH = Duration.ofMillis(200);
    private final Signal heartbeatSignal = new Signal();
    private final DeadNodeReaper deadNodes;
    private final ClusterBus bus;
    private final AttemptProcesses processes;
    private boolean started;
    private boolean stopped;

    public Engine(Database db, EngineConfig cfg, Collection<TaskExecutor> executors, Clock clock, ZoneId zone,
                  RandomGenerator random) {
        this(db, cfg, executors, clock, zone, random, EngineObserver.NONE, WebhookSettings.defaults());
    }

    public Engine(Database db, EngineConfig cfg, Collection<TaskExecutor> executors, Clock clock, ZoneId zone,
                  RandomGenerator random, EngineObserver observer, WebhookSettings webhookSettings) {
        this(db, cfg, executors, clock, zone, random, observer, webhookSettings, Sealer.NONE);
    }

    /** @param sealer encrypts the secrets the store keeps (webhook secrets, environment values) */
    public Engine(Database db, EngineConfig cfg, Collection<TaskExecutor> executors, Clock clock, ZoneId zone,
                  RandomGenerator random, EngineObserver observer, WebhookSettings webhookSettings, Sealer sealer) {
        this.db = db;
        this.cfg = cfg;
        // Observers run right after commits (claims, completions, fired slots): never let one throw into them.
        observer = EngineObserver.guarded(observer);
        this.bus = db.openBus(cfg.workerId());
        // Tasks became queued: claim here now and tell the other nodes on this store.
        Runnable queued = () -> {
            dispatchSignal.raise();
            remoteSignal.raise();
            bus.tasksQueued();
        };
        TaskStore tasks = new TaskStore(db.dialect(), sealer);
        LogStore logs = new LogStore();
        WebhookStore webhookStore = new WebhookStore(sealer);
        ScheduleStore scheduleStore = new ScheduleStore(db.dialect(), sealer);
        if (sealer != Sealer.NONE) new SecretSweep(db, webhookStore, scheduleStore, tasks, clock).run();
        SealedEnv sealedEnv = new SealedEnv(sealer);
        List<TaskExecutor> unsealing = executors.stream().<TaskExecutor>map(e -> new UnsealingExecutor(e, sealedEnv)).toList();
        EventStore events = new EventStore(webhookStore, deliverySignal::raise);
        this.workflowWebhookSecret = new WorkflowWebhookSecret(db, new ServerSecretStore(sealer),
                webhookSettings.workflowSecret(), clock);
        // Generated at the first start rather than at the first job's webhook, so an operator can
        // read it (GET /api/system/workflow-webhook-secret) before any job runs.
        workflowWebhookSecret.ensureGenerated();
        this.jobWebhooks = new JobWebhooks(webhookStore, deliverySignal::raise);
        WorkerStore workers = new WorkerStore();
        Workflows workflows = new Workflows(db, new WebhookJobNotifier(jobWebhooks));
        TaskTransitions transitions = new TaskTransitions(tasks, logs, events, workers, new Backoff(random),
                workflows.endings());
        TaskLogBuffer logBuffer = new TaskLogBuffer(clock, cfg.maxLogLinesPerTask());
        ProcessStore processStore = new ProcessStore();
        this.completer = new Completer(Completer.writer(db, transitions, processStore), logBuffer, cfg.logFlush(), () -> {
            dispatchSignal.raise();
            remoteSignal.raise(); // dependents of what completed may be remote skills
            promoteSignal.raise();
        });
        this.processes = new AttemptProcesses(db, processStore, completer, cfg.workerId(), cfg.hostname(), clock);
        this.worker = new LocalWorker(cfg.workerId(), cfg.concurrency(), unsealing, clock, logBuffer, completer,
                dispatchSignal, timeoutSignal, observer, processes);
        this.dispatcher = new Dispatcher(db, transitions, worker, clock, cfg.lease(), cfg.claimBatch(), cfg.fallbackPoll());
        var identity = new WorkerStore.Heartbeat(cfg.workerId(), cfg.hostname(), "local", cfg.concurrency(),
                cfg.version(), cfg.workerTags(), null, cfg.workerTtl());
        this.heartbeat = new WorkerHeartbeat(db, workers, tasks, events, worker, identity,
                new SystemResources(cfg.resourcesPath()), clock, cfg.lease(), cfg.heartbeat());
        this.dispatchRunner = new DutyRunner(dispatcher, dispatchSignal, cfg.fallbackPoll());
        this.deadNodes = db.dialect().nodeLocks()
                ? new DeadNodeReaper(db, tasks, transitions, clock, promoteSignal, cfg.workerId(), NODE_WATCH, NODE_WATCH)
                : null;
        this.remoteChannels = new RemoteChannels(db, tasks);
        DeviceStore deviceStore = new DeviceStore(db.dialect());
        this.deviceRegistry = new DeviceRegistry(db, deviceStore, clock);
        this.remoteDispatcher = new RemoteDispatcher(db, tasks, workers, deviceStore, transitions, clock, cfg.remote().ttl(),
                cfg.fallbackPoll(), observer, queued, remoteSignal);
        this.remoteWorkers = new RemoteWorkers(db, tasks, workers, deviceStore, logs, events, transitions, remoteDispatcher,
                new RemoteWorkers.SealedEnvAccess(sealedEnv), clock, cfg.remote(), cfg.maxLogLinesPerTask(), observer,
                queued, promoteSignal::raise, workflows.workerEvents());
        this.workerTokens = new WorkerTokens(db, new WorkerTokenStore(), sealer, clock);
        List<DutyRunner> duties = new ArrayList<>(List.of(
                new DutyRunner(new Promoter(db, tasks, clock, queued, cfg.fallbackPoll()), promoteSignal, cfg.fallbackPoll()),
                new DutyRunner(new LeaseReaper(db, tasks, transitions, clock, promoteSignal, cfg.heartbeat()), new Signal(), cfg.heartbeat()),
                new DutyRunner(new TimeoutWatcher(worker, clock, Duration.ofSeconds(1)), timeoutSignal, Duration.ofSeconds(1)),
                new DutyRunner(heartbeat, heartbeatSignal, cfg.heartbeat()),
                new DutyRunner(new WorkerLiveness(db, workers, events, tasks, transitions, promoteSignal::raise, clock,
                        cfg.heartbeat()), new Signal(), cfg.heartbeat()),
                new DutyRunner(remoteDispatcher, remoteSignal, cfg.fallbackPoll()),
                new DutyRunner(new SocketPinger(remoteChannels, cfg.remote().socketPing()), new Signal(), cfg.remote().socketPing()),
                new DutyRunner(new RemoteTimeouts(db, tasks, transitions, remoteChannels, clock, promoteSignal::raise,
                        Duration.ofSeconds(1)), new Signal(), Duration.ofSeconds(1)),
                new DutyRunner(new WebhookDeliverer(db, webhookStore, workflowWebhookSecret, webhookSettings, new PinnedHttpSender(),
                        AddressGuard.Resolver.SYSTEM, clock, observer, WEBHOOK_IDLE), deliverySignal, WEBHOOK_IDLE)));
        if (deadNodes != null) duties.add(new DutyRunner(deadNodes, new Signal(), NODE_WATCH));
        this.runners = List.copyOf(duties);
        this.taskService = new TaskService(db, tasks, logs, transitions, worker, queued, promoteSignal, bus, clock,
                remoteChannels);
        // Its own generator, seeded from the engine's: request threads draw stagger and retry
        // delays while the store writers draw backoff jitter from the engine's.
        this.deviceTasks = new DeviceTaskService(db, new DeviceTaskStore(db.dialect()), tasks, taskService, deviceRegistry,
                cfg.devices(), clock, new java.util.SplittableRandom(random.nextLong()));
        this.dashboard = new DashboardService(db, clock);
        this.workerService = new WorkerService(db, workers, tasks, clock,
                cfg.concurrency() > 0 ? worker.types() : java.util.Set.of());
        this.systemService = new SystemService(db, tasks, workers, clock, zone, cfg.workerTtl());
        ApiKeyStore apiKeyStore = new ApiKeyStore();
        this.apiKeyService = new ApiKeyService(db, apiKeyStore, clock);
        this.sessions = new dev.coxswain.core.service.SessionService(db, new dev.coxswain.core.store.SessionStore(), apiKeyStore,
                clock, dev.coxswain.core.service.SessionService.Settings.defaults());
        this.quotas = new QuotaService(db, apiKeyStore, clock);
        this.idempotency = new IdempotencyService(db, new IdempotencyStore(), clock);
        this.webhookService = new WebhookService(db, webhookStore, webhookSettings, clock);
        this.firer = new ScheduleFirer(db, scheduleStore, taskService, tasks, clock, observer);
        this.scheduleService = new ScheduleService(db, scheduleStore, taskService, clock, zone, worker.types(), () -> {
            firer.requestReload();
            scheduleSignal.raise();
        });
        this.firerRunner = new DutyRunner(firer, scheduleSignal, Duration.ofSeconds(5));
        Workflows.Wired wired = workflows.wire(db, taskService, quotas, workerService::servedSkills, clock);
        this.workflowService = wired.service();
        this.workflowRunners = wired.runners();
    }

    /** Starts the duties. An engine runs once: after {@link #shutdown} a new Engine takes over the store. */
    public synchronized void start() {
        if (started) return;
        if (stopped) throw new IllegalStateException("this engine was shut down; create a new Engine to start again");
        started = true;
        // What a previous life of this worker left running (it was killed, not shut down) must be
        // gone before anything is claimed here, retries of those very attempts included.
        int leftovers = processes.stopLeftovers();
        if (leftovers > 0) LOG.warning("stopped " + leftovers + " process group(s) left running by a previous run of " + cfg.workerId());
        heartbeat.runOnce(); // register the local worker before anything can be claimed
        if (deadNodes != null) {
            int left = deadNodes.reapOwnLeftovers();
            if (left > 0) LOG.info("failed " + left + " attempt(s) an earlier process of worker " + cfg.workerId() + " left running");
        }
        completer.start();
        for (DutyRunner r : runners) r.start();
        bus.start(new ClusterBus.Listener() {
            private boolean lockedBefore; // only the bus's listener thread calls listening()

            @Override
            public void tasksQueued() {
                dispatchSignal.raise();
                remoteSignal.raise();
            }

            @Override
            public void stop(long taskId, int attempt) {
                if (!worker.stop(taskId, attempt, StopReason.CANCELLED)) remoteChannels.cancelAnywhere(taskId, attempt);
            }

            @Override
            public void listening() {
                dispatchSignal.raise();
                promoteSignal.raise();
                if (deadNodes != null) {
                    // The lock is held (again): let the others count on it. If they reaped this node
                    // while it was cut off, its heartbeat stops the superseded attempts now (on the
                    // first connection start() has just run it).
                    boolean reconnect = lockedBefore;
                    lockedBefore = true;
                    try {
                        db.write(tx -> {
                            db.dialect().recordNodeLock(tx.connection(), cfg.workerId(), true);
                            return null;
                        });
                    } catch (RuntimeException e) {
                        LOG.warning("could not record this node's lock (" + e.getMessage() + "); its leases still count");
                    }
                    if (reconnect) heartbeatSignal.raise();
                }
            }
        });
        firerRunner.start();
        for (DutyRunner r : workflowRunners) r.start();
        dispatchRunner.start();
        LOG.info("engine started: worker " + cfg.workerId() + ", concurrency " + cfg.concurrency() + ", store " + db.description());
    }

    /**
     * Stops claiming, waits up to {@code grace} for running attempts, then stops the rest and puts
     * them back in the queue (not counted as a retry).
     */
    public synchronized void shutdown(Duration grace) {
        if (!started) return;
        started = false;
        stopped = true;
        dispatcher.pause();
        dispatchRunner.stop();
        remoteDispatcher.releaseAll(); // held polls end now (204); their workers poll another node
        remoteChannels.closeAll();
        firerRunner.stop(); // no new runs once shutdown begins
        try {
            if (!worker.awaitIdle(grace)) {
                LOG.info("grace period over: releasing " + worker.running().size() + " running task(s) to the queue");
                worker.stopAll(StopReason.SHUTDOWN);
                worker.awaitIdle(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        completer.stop();
        // Attempts released above are queued again: another node can take them at once.
        bus.tasksQueued();
        bus.close();
        for (DutyRunner r : runners) r.stop();
        for (DutyRunner r : workflowRunners) r.stop();
        LOG.info("engine stopped");
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    /** Blueprints and workflow jobs. */
    public WorkflowService workflows() {
        return workflowService;
    }

    /** The devices remote workers reported. */
    public DeviceRegistry devices() {
        return deviceRegistry;
    }

    /** Device tasks: the device face's task model on native tasks. */
    public DeviceTaskService deviceTasks() {
        return deviceTasks;
    }

    /** The dashboard's reads: capped counts, charts, the keyset-paginated task list. */
    public DashboardService dashboard() {
        return dashboard;
    }

    /** The remote-worker protocol below HTTP. */
    public RemoteWorkers remote() {
        return remoteWorkers;
    }

    /** Push channels (WebSockets) of remote workers connected to this node. */
    public RemoteChannels remoteChannels() {
        return remoteChannels;
    }

    public WorkerTokens workerTokens() {
        return workerTokens;
    }

    public TaskService tasks() {
        return taskService;
    }

    public WorkerService workers() {
        return workerService;
    }

    public SystemService system() {
        return systemService;
    }

    /** The dashboard's sign-in sessions. */
    public dev.coxswain.core.service.SessionService sessions() {
        return sessions;
    }

    public ApiKeyService apiKeys() {
        return apiKeyService;
    }

    public IdempotencyService idempotency() {
        return idempotency;
    }

    /** The secret that signs jobs' webhooks (configured, or generated and stored). */
    public WorkflowWebhookSecret workflowWebhookSecret() {
        return workflowWebhookSecret;
    }

    /** Queues jobs' webhooks in the transaction of the job change they report. */
    public JobWebhooks jobWebhooks() {
        return jobWebhooks;
    }

    /** Monthly job quotas of API keys. */
    public QuotaService quotas() {
        return quotas;
    }

    public WebhookService webhooks() {
        return webhookService;
    }

    public ScheduleService schedules() {
        return scheduleService;
    }

    /** The schedule firer, for tests that drive it pass by pass. */
    public ScheduleFirer scheduleFirer() {
        return firer;
    }

    public LocalWorker localWorker() {
        return worker;
    }

    public EngineConfig config() {
        return cfg;
    }

    public Database database() {
        return db;
    }
}
