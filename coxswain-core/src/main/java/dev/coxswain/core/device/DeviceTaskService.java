package dev.coxswain.core.device;

import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.TaskTransitions;
import dev.coxswain.core.remote.DeviceRegistry;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.DeviceTaskStore;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

import static dev.coxswain.core.engine.TaskTransitions.ref;

/**
 * Device tasks: the seed's task model on top of native tasks. A request fans out into one native
 * task per device (or account) and target, each required to run on its device, staggered in time,
 * owned by the caller so its plan's limits apply. Every write is one transaction, so an answer
 * means all of it is committed.
 */
public final class DeviceTaskService {
    static final String API_ENABLED = "API access enabled";
    /** Tasks read and locked per statement by the bulk writes. */
    static final int CHUNK = 500;

    private final Database db;
    private final DeviceTaskStore store;
    private final TaskStore tasks;
    private final TaskService taskService;
    private final DeviceRegistry devices;
    private final DeviceSettings settings;
    private final ScriptRules scripts;
    private final DeviceTaskFactory factory;
    private final Clock clock;
    private final RandomGenerator random;

    /**
     * @param random draws stagger and retry delays; used under this service's lock only, so give
     *               it a generator nobody else uses
     */
    public DeviceTaskService(Database db, DeviceTaskStore store, TaskStore tasks, TaskService taskService,
                             DeviceRegistry devices, DeviceSettings settings, Clock clock, RandomGenerator random) {
        this.db = db;
        this.store = store;
        this.tasks = tasks;
        this.taskService = taskService;
        this.devices = devices;
        this.settings = settings;
        this.scripts = new ScriptRules(settings.scripts());
        this.factory = new DeviceTaskFactory(settings);
        this.clock = clock;
        this.random = random;
    }

    public DeviceSettings settings() {
        return settings;
    }

    // ---- plan ------------------------------------------------------------------------------

    /** Throws {@link PlanRefusedException} for a plan without API access. */
    public void checkAccess(Principal p) {
        settings.plans().checkAccess(p);
    }

    /** What the caller's plan allows; never throws (a plan without access says why in the message). */
    public License license(Principal p) {
        DevicePlans.Plan plan = settings.plans().of(p);
        return new License(plan.name(), plan.apiEnabled(), plan.deviceLimit(), plan.concurrency(),
                plan.apiEnabled() ? API_ENABLED : plan.refusal());
    }

    // ---- create ----------------------------------------------------------------------------

    public Created create(Principal p, CreateRequest r) {
        DevicePlans.Plan plan = settings.plans().checkAccess(p);
        validate(r);
        String script = r.scriptName();
        scripts.check(script, devices.deviceSkills());
        List<Slots.Slot> slots = r.serials() != null
                ? Slots.forSerials(r.serials(), accountsOf(r.serials()), r.multiAccount())
                : Slots.forUsernames(r.usernames(), accountsOfAll());
        List<FanOut.Planned> planned = FanOut.plan(slots, script, r.scriptConfig());
        Instant now = clock.instant();
        List<Instant> due = dueTimes(planned, Stagger.base(r.startTime(), now, settings.zone()), r);
        String source = r.source() == null ? "api" : r.source();
        List<NewTask> batch = new ArrayList<>(planned.size());
        for (int i = 0; i < planned.size(); i++) {
            batch.add(factory.build(script, planned.get(i), due.get(i), source, p.id(), plan.concurrency()));
        }
        Set<String> requested = new LinkedHashSet<>();
        for (FanOut.Planned t : planned) requested.add(t.serial());
        return db.write(tx -> {
            // Checked in the creating transaction, under the owner's lock, so the owner's open
            // devices are counted as of the insert, concurrent creates of the owner included.
            if (plan.deviceLimit() != null) {
                store.lockOwner(tx, p.id());
                DevicePlans.checkDeviceLimit(plan, store.openDevices(tx.connection(), p.id()), requested);
            }
            List<Long> ids = new ArrayList<>(batch.size());
            for (NewTask t : batch) ids.add(taskService.createIn(tx, t, now).id());
            return new Created(ids);
        });
    }

    private static void validate(CreateRequest r) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (r.serials() != null && r.usernames() != null) errors.put("serials", "give serials or usernames, not both");
        if (r.serials() == null && r.usernames() == null) errors.put("serials", "serials or usernames is required");
        if (r.scriptName() == null || r.scriptName().isBlank()) errors.put("script_name", "is required");
        if (r.minInterval() < 0) errors.put("min_interval", "must be 0 or more");
        if (r.maxInterval() < 0) errors.put("max_interval", "must be 0 or more");
        else if (r.maxInterval() > Stagger.MAX_INTERVAL_SECONDS) {
            errors.put("max_interval", "must be at most " + Stagger.MAX_INTERVAL_SECONDS);
        }
        if (r.minInterval() > r.maxInterval() && r.minInterval() >= 0 && r.maxInterval() >= 0) {
            errors.put("min_interval", "must not exceed max_interval");
        }
        if (r.source() != null && !r.source().equals("api") && !r.source().equals("ui")) {
            errors.put("source", "must be api or ui");
        }
        if (!errors.isEmpty()) throw new ValidationException(errors);
    }

    /** The accounts of the named devices that exist, by serial. */
    private Map<String, List<String>> accountsOf(List<String> serials) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        devices.findAll(new LinkedHashSet<>(serials)).forEach((serial, d) -> out.put(serial, d.accounts()));
        return out;
    }

    /**
     * Every device's accounts, the devices an account would best run on first: online, then
     * present, then by serial (an account seen on two phones runs on the one in use).
     */
    private Map<String, List<String>> accountsOfAll() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        devices.list().stream()
                .sorted(Comparator.comparing((DeviceRegistry.DeviceView d) -> !d.online())
                        .thenComparing(d -> !d.present()).thenComparing(DeviceRegistry.DeviceView::serial))
                .forEach(d -> out.put(d.serial(), d.accounts()));
        return out;
    }

    private List<Instant> dueTimes(List<FanOut.Planned> planned, Instant base, CreateRequest r) {
        synchronized (random) { // request threads share the generator; SplittableRandom is not thread-safe
            Stagger s = new Stagger(base, r.minInterval(), r.maxInterval(), random);
            return planned.stream().map(p -> s.next(p.serial())).toList();
        }
    }

    // ---- reads -----------------------------------------------------------------------------

    /**
     * Device tasks, newest first.
     *
     * @param status   0..3 (see {@link DeviceTaskViews}) or null
     * @param page     1-based
     * @param pageSize 1..100 (the face checks the upper bound; below 1 is a ValidationException here too)
     */
    public Page<DeviceTask> list(Integer status, String serial, String scriptName, String source, int page, int pageSize) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (status != null && (status < DeviceTaskViews.PENDING || status > DeviceTaskViews.FAILED)) {
            errors.put("status", "must be 0, 1, 2 or 3");
        }
        if (page < 1) errors.put("page", "must be at least 1");
        if (pageSize < 1) errors.put("page_size", "must be at least 1");
        if (!errors.isEmpty()) throw new ValidationException(errors);
        var filter = new DeviceTaskStore.Filter(status == null ? Set.of() : DeviceTaskViews.statuses(status), serial,
                scriptName, source);
        long offset = (long) (page - 1) * pageSize;
        Page<Task> rows = db.read(c -> store.list(c, filter, offset, pageSize));
        return new Page<>(rows.items().stream().map(DeviceTaskViews::view).toList(), rows.total());
    }

    public DeviceTask get(long id) {
        List<Task> found = db.read(c -> store.find(c, List.of(id), false));
        if (found.isEmpty()) throw notFound(id);
        return DeviceTaskViews.view(found.getFirst());
    }

    public Stats stats() {
        Map<TaskStatus, Long> n = db.read(store::countByStatus);
        long pending = n.getOrDefault(TaskStatus.PENDING, 0L) + n.getOrDefault(TaskStatus.QUEUED, 0L);
        long running = n.getOrDefault(TaskStatus.RUNNING, 0L);
        long completed = n.getOrDefault(TaskStatus.COMPLETED, 0L);
        long failed = n.getOrDefault(TaskStatus.FAILED, 0L) + n.getOrDefault(TaskStatus.CANCELLED, 0L);
        return new Stats(pending + running + completed + failed, pending, running, completed, failed);
    }

    // ---- writes ----------------------------------------------------------------------------

    /** Deletes a device task; a running one is stopped first (its attempt cancelled on its worker). */
    public void delete(long id) {
        BatchDeleted d = deleteAll(List.of(id));
        if (!d.notFound().isEmpty()) throw notFound(id);
    }

    /**
     * Deletes the device tasks among {@code ids} in one transaction, running ones stopped first;
     * ids that name no device task are reported, not refused. A task another task depends on
     * (possible only through the native API) refuses the whole batch, as a native delete would.
     */
    public BatchDeleted deleteAll(List<Long> ids) {
        List<Long> unique = List.copyOf(new LinkedHashSet<>(ids));
        return db.write(tx -> {
            Instant now = clock.instant();
            Map<Long, Task> found = new LinkedHashMap<>();
            for (int from = 0; from < unique.size(); from += CHUNK) {
                for (Task t : store.find(tx.connection(), unique.subList(from, Math.min(unique.size(), from + CHUNK)), true)) {
                    found.put(t.id(), t);
                }
            }
            // Refused before anything changes: all of the batch or none of it.
            for (long id : found.keySet()) {
                List<Long> dependents = tasks.dependents(tx.connection(), id, false);
                if (!dependents.isEmpty()) {
                    throw new ConflictException(ref(id) + " cannot be deleted: " + String.join(", ",
                            dependents.stream().map(TaskTransitions::ref).toList())
                            + (dependents.size() == 1 ? " depends" : " depend") + " on it");
                }
            }
            List<Long> deleted = new ArrayList<>();
            List<Long> notFound = new ArrayList<>();
            for (long id : unique) {
                Task t = found.get(id);
                if (t == null) {
                    notFound.add(id);
                    continue;
                }
                taskService.cancelIn(tx, t, now); // nothing for a finished task; a running attempt is stopped after commit
                tasks.delete(tx, id);
                deleted.add(id);
            }
            return new BatchDeleted(deleted, notFound);
        });
    }

    /** Stops a running device task: cancelled (its worker told to stop), remark "stopped". */
    public DeviceTask stop(long id) {
        return db.write(tx -> {
            Task t = lockDeviceTask(tx, id);
            if (t.status() != TaskStatus.RUNNING) {
                throw new ConflictException(ref(id) + " is " + t.status().wire() + "; only running tasks can be stopped");
            }
            taskService.cancelIn(tx, t, clock.instant());
            // The error column tells a stop from any other cancel (DeviceTaskViews.remark).
            tasks.update(tx, id, Map.of("error", DeviceTaskViews.STOPPED), TaskStatus.CANCELLED);
            return DeviceTaskViews.view(tasks.findForUpdate(tx, id));
        });
    }

    /**
     * Runs a failed (or stopped) task again after a random delay in the settings' retry range,
     * while it has been retried fewer than {@code maxRetryCount} times.
     */
    public DeviceTask retry(long id) {
        return db.write(tx -> {
            Task t = lockDeviceTask(tx, id);
            String refusal = retryRefusal(t);
            if (refusal != null) throw new ConflictException(refusal);
            return DeviceTaskViews.view(retryIn(tx, t, clock.instant()));
        });
    }

    /** Retries every device task {@link #retry} would; returns how many. One transaction. */
    public int retryAll() {
        return db.write(tx -> {
            Instant now = clock.instant();
            int n = 0;
            List<Long> ids = store.retryable(tx.connection(), settings.maxRetryCount());
            // Locked in chunks: one IN list per chunk stays far below either database's parameter limit.
            for (int from = 0; from < ids.size(); from += CHUNK) {
                for (Task t : store.find(tx.connection(), ids.subList(from, Math.min(ids.size(), from + CHUNK)), true)) {
                    if (retryRefusal(t) != null) continue; // changed since the read (PostgreSQL, another node)
                    retryIn(tx, t, now);
                    n++;
                }
            }
            return n;
        });
    }

    private String retryRefusal(Task t) {
        if (t.status() != TaskStatus.FAILED && t.status() != TaskStatus.CANCELLED) {
            return ref(t.id()) + " is " + t.status().wire() + "; only failed tasks can be retried";
        }
        if (t.retryCount() >= settings.maxRetryCount()) {
            return ref(t.id()) + " was retried " + t.retryCount() + " time" + (t.retryCount() == 1 ? "" : "s")
                    + "; at most " + settings.maxRetryCount() + " retries are allowed";
        }
        return null;
    }

    private Task retryIn(Tx tx, Task t, Instant now) throws SQLException {
        return taskService.retryAtIn(tx, t, now.plus(retryDelay()), true, now);
    }

    private Duration retryDelay() {
        long lo = settings.retryDelayMin() * 1000L;
        long hi = settings.retryDelayMax() * 1000L;
        synchronized (random) {
            return Duration.ofMillis(lo == hi ? lo : random.nextLong(lo, hi + 1));
        }
    }

    private Task lockDeviceTask(Tx tx, long id) throws SQLException {
        Task t = taskService.lockIn(tx, id);
        if (t == null || !DeviceTaskStore.ORIGIN.equals(t.originKind())) throw notFound(id);
        return t;
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException(ref(id) + " not found");
    }
}
