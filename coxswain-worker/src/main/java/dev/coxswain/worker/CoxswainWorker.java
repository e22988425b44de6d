package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.worker.protocol.Identifiers;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A remote worker for a Coxswain server: registers, long-polls for tasks of its skills, runs each
 * on a virtual thread and posts the result, speaking the server's {@code /_worker} protocol (the
 * Avtomatika worker SDK's wire format, signed with the master token).
 *
 * <pre>{@code
 * CoxswainWorker worker = CoxswainWorker.builder()
 *         .serverUrl("https://coxswain.example.com")
 *         .workerId("thumbnailer-1")
 *         .masterToken(System.getenv("COXSWAIN_WORKER_TOKEN"))
 *         .concurrency(4)
 *         .skill("thumbnail", "Renders a thumbnail of params.url", ctx -> {
 *             String url = ctx.params().path("url").asText();
 *             if (url.isEmpty()) throw TaskFailure.invalidInput("params.url is required");
 *             ctx.log(LogLevel.INFO, "fetching " + url);
 *             byte[] image = download(url);           // interruptible: a cancel stops it
 *             ctx.progress(0.5, "downloaded");
 *             ctx.checkpoint(Map.of("downloaded", image.length));
 *             return Map.of("bytes", render(image).length);   // the task's result data
 *         })
 *         .build();
 * // On SIGTERM: stop polling, let running tasks finish (30 s), hand back the rest, sign off.
 * Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
 * worker.start();   // returns at once; the worker's thread keeps the JVM up until close()
 * }</pre>
 *
 * <p>What it does on the wire, as the SDK does: registration retried with backoff (2, 4, 8 … 60
 * s, or the server's Retry-After); a heartbeat every 15 s and on task start and end, which also
 * brings cancels ({@code cancel_task_ids}) and re-registers when the server has forgotten the
 * worker; one outstanding long poll while a task slot is free; results retried 5 times; progress,
 * log and checkpoint events; a WebSocket for pushed cancels; STS access tokens after a 401.
 *
 * <p>Devices ({@link Device}, id = serial) go into {@code resources.devices} of the registration
 * and — a Coxswain extension — of every heartbeat, as the full current list; {@link #addDevice}
 * and {@link #removeDevice} change it while the worker runs and send a heartbeat at once. For
 * serving device tasks (a handler per script, one task per device at a time) use
 * {@link DeviceAgent}.
 */
public final class CoxswainWorker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CoxswainWorker.class.getName());
    /** How long close() waits for a loop thread that it has told to stop. */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final Settings settings;
    private final Timings timings;
    private final HttpClient http;
    private final boolean ownsHttp;
    private final Session session = new Session();
    private final StopSignal pollStop = new StopSignal();
    private final StopSignal sessionStop = new StopSignal();
    private final TaskSupervisor supervisor;
    private final DeviceRoster devices;
    private final SessionKeeper keeper;
    private final Poller poller;
    private final SocketLink socket;
    private Thread keeperThread;
    private Thread pollerThread;
    private Thread socketThread;
    private boolean started;
    private boolean closed;

    private CoxswainWorker(Builder b, Settings settings, SkillSet skills, DeviceRoster devices) {
        this.settings = settings;
        this.devices = devices;
        devices.onChange(session::ringNow);
        this.timings = b.timings;
        this.ownsHttp = b.httpClient == null;
        this.http = ownsHttp
                ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build()
                : b.httpClient;
        TokenStore tokens = new TokenStore(b.masterToken);
        WorkerApi api = new WorkerApi(http, settings.server(), settings.workerId(), tokens, b.mapper,
                timings.requestTimeout(), b.clock);
        MessageSigner signer = new MessageSigner(settings.workerId(), b.masterToken, b.clock);
        WireMessages messages = new WireMessages(settings, skills, devices);
        this.socket = settings.webSocket()
                ? new SocketLink(http, settings.webSocketUri(), settings.workerId(), api, session, this::cancelTask, b.mapper,
                        timings, sessionStop)
                : null;
        EventSender events = new EventSender(api, signer, socket);
        ResultSender results = new ResultSender(api, signer, timings);
        this.supervisor = new TaskSupervisor(settings.concurrency(), skills, messages, events, results, session, b.mapper,
                timings.logBatch());
        this.keeper = new SessionKeeper(api, signer, messages, session, supervisor, b.facts, settings, devices, timings,
                sessionStop);
        this.poller = new Poller(api, session, supervisor, skills, settings, timings, pollStop);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts registering, heartbeating and polling, and returns at once. The worker's session
     * thread is not a daemon, so a started worker keeps the JVM running until {@link #close()}.
     *
     * @return this worker
     * @throws IllegalStateException when started before, or closed
     */
    public synchronized CoxswainWorker start() {
        if (started || closed) throw new IllegalStateException(closed ? "Worker is closed" : "Worker already started");
        started = true;
        keeperThread = Thread.ofPlatform().name("coxswain-worker-session").daemon(false).start(keeper);
        pollerThread = Thread.ofVirtual().name("coxswain-worker-poll").start(poller);
        if (socket != null) socketThread = Thread.ofVirtual().name("coxswain-worker-websocket").start(socket);
        LOG.log(System.Logger.Level.INFO, "Worker {0} starting against {1}", settings.workerId(), settings.server());
        return this;
    }

    /**
     * Waits until the server has accepted the registration.
     *
     * @return false when {@code timeout} passed first
     */
    public boolean awaitRegistered(Duration timeout) throws InterruptedException {
        return session.awaitRegistered(timeout);
    }

    /** Whether the server currently knows this worker. */
    public boolean isRegistered() {
        return session.isRegistered();
    }

    public String workerId() {
        return settings.workerId();
    }

    /**
     * Declares a device (or replaces the one with the same id) while the worker runs. The server
     * hears of it at once: a heartbeat goes out without waiting for the interval, carrying the full
     * list in {@code resources.devices} (a Coxswain extension; a re-registration carries it too).
     *
     * @return whether the list changed
     */
    public boolean addDevice(Device device) {
        return devices.put(Objects.requireNonNull(device, "device"));
    }

    /**
     * Withdraws a device; the heartbeat that goes out at once no longer lists it, and the server
     * fails its running task (retried per the task's policy), answers with a cancel of it (which
     * interrupts its handler) and holds the device's queue until the device is back.
     *
     * @return whether the worker had declared it
     */
    public boolean removeDevice(String id) {
        return devices.remove(id);
    }

    /** The devices declared now, in declaration order. */
    public List<Device> devices() {
        return devices.list();
    }

    /** A declared device by id (its serial). */
    public java.util.Optional<Device> device(String id) {
        return devices.find(id);
    }

    /** The most tasks this worker runs at once (its {@code max_concurrent_tasks}). */
    public int concurrency() {
        return settings.concurrency();
    }

    /** Wire ids of the tasks running now. */
    public List<String> runningTasks() {
        return supervisor.runningTaskIds();
    }

    /**
     * Shuts down gracefully: stops polling, waits up to the grace period for running handlers,
     * interrupts the rest and posts them as {@code released} (the server queues them again without
     * counting a retry), then sends the {@code offline} heartbeat. Blocks until done. Do not call
     * it from a task handler (it would wait for itself).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            if (!started) {
                closeHttp();
                return;
            }
        }
        boolean interrupted = false;
        pollStop.stop();
        pollerThread.interrupt();
        interrupted |= join(pollerThread);
        supervisor.closing();
        try {
            if (!supervisor.awaitIdle(settings.shutdownGrace())) {
                supervisor.releaseAll();
                if (!supervisor.awaitIdle(timings.resultDrain())) {
                    LOG.log(System.Logger.Level.WARNING, "Tasks still running at close: {0}", supervisor.runningTaskIds());
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            supervisor.releaseAll();
        }
        sessionStop.stop();
        session.wakeAll();
        keeperThread.interrupt();
        interrupted |= join(keeperThread);
        if (session.wasEverRegistered()) keeper.sendOffline();
        if (socket != null) {
            socket.close();
            socketThread.interrupt();
            interrupted |= join(socketThread);
        }
        closeHttp();
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void cancelTask(String taskId) {
        supervisor.cancel(taskId);
    }

    /** @return whether the calling thread was interrupted while waiting */
    private static boolean join(Thread thread) {
        try {
            if (!thread.join(JOIN_TIMEOUT)) {
                LOG.log(System.Logger.Level.WARNING, "{0} did not stop in time", thread.getName());
            }
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private void closeHttp() {
        if (ownsHttp) http.shutdownNow();
    }

    /** Configures a {@link CoxswainWorker}; {@link #serverUrl}, {@link #workerId}, {@link #masterToken} and one skill are required. */
    public static final class Builder {
        private URI server;
        private String workerId;
        private String masterToken;
        private final List<SkillSet.Skill> skills = new ArrayList<>();
        private int concurrency = 1;
        private boolean concurrencySet;
        private String workerType = "java-worker";
        private final ObjectNode resourceProperties = JsonNodeFactory.instance.objectNode();
        private final List<Device> devices = new ArrayList<>();
        private DeviceRoster roster;
        private final ObjectNode installedSoftware = JsonNodeFactory.instance.objectNode();
        private final ArrayNode installedArtifacts = JsonNodeFactory.instance.arrayNode();
        private final ObjectNode costPerSkill = JsonNodeFactory.instance.objectNode();
        private final ObjectNode extraCapabilities = JsonNodeFactory.instance.objectNode();
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private Duration pollTimeout = Duration.ofSeconds(30);
        private Duration idlePollDelay = Duration.ofMillis(500);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private boolean webSocket = true;
        private URI webSocketUri;
        private String hostname;
        private String ipAddress;
        private Clock clock = Clock.systemUTC();
        private ObjectMapper mapper;
        private HttpClient httpClient;
        private Timings timings = Timings.defaults();
        private MachineFacts facts = new MachineFacts();

        private Builder() {
        }

        /** Base URL of the Coxswain server, for example {@code https://coxswain.example.com}. */
        public Builder serverUrl(String url) {
            return serverUrl(URI.create(Objects.requireNonNull(url, "url")));
        }

        public Builder serverUrl(URI url) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("Server URL must be http or https: " + url);
            }
            this.server = url;
            return this;
        }

        /** This worker's id: 1 to 128 characters of a-z, A-Z, 0-9, '_' and '-'. */
        public Builder workerId(String id) {
            this.workerId = Identifiers.requireValid(id, "worker id");
            return this;
        }

        /**
         * The worker's token as configured on the server. It authenticates the worker and is the
         * key of every message signature; it is never logged.
         */
        public Builder masterToken(String token) {
            if (token == null || token.isBlank()) throw new IllegalArgumentException("Master token is empty");
            this.masterToken = token;
            return this;
        }

        /** Offers a skill: tasks of type {@code name} run {@code handler}. */
        public Builder skill(String name, TaskHandler handler) {
            return skill(name, null, null, handler);
        }

        public Builder skill(String name, String description, TaskHandler handler) {
            return skill(name, description, null, handler);
        }

        /**
         * @param inputSchema JSON Schema of the task's params, advertised to the server (may be null)
         */
        public Builder skill(String name, String description, JsonNode inputSchema, TaskHandler handler) {
            Identifiers.requireValid(name, "skill name");
            Objects.requireNonNull(handler, "handler");
            if (skills.stream().anyMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException("Skill '" + name + "' is declared twice");
            }
            skills.add(new SkillSet.Skill(name, description, inputSchema, handler));
            return this;
        }

        /** Most tasks run at once (default 1); the server is told as {@code max_concurrent_tasks}. */
        public Builder concurrency(int maxTasksInFlight) {
            if (maxTasksInFlight < 1) throw new IllegalArgumentException("Concurrency must be at least 1");
            this.concurrency = maxTasksInFlight;
            this.concurrencySet = true;
            return this;
        }

        /** Free-form kind of worker, shown by the server (default {@code java-worker}). */
        public Builder workerType(String type) {
            this.workerType = Objects.requireNonNull(type, "type");
            return this;
        }

        /**
         * A property of the registration's {@code resources.properties}; {@code cpu_cores} and
         * {@code ram_gb} default to this machine's.
         */
        public Builder resource(String name, Object value) {
            resourceProperties.set(name, json(value));
            return this;
        }

        /**
         * Declares a device in {@code resources.devices} of the registration and of every
         * heartbeat; more can be added and removed while the worker runs
         * ({@link CoxswainWorker#addDevice}).
         */
        public Builder device(Device device) {
            Objects.requireNonNull(device, "device");
            if (devices.stream().anyMatch(d -> d.id().equals(device.id()))) {
                throw new IllegalArgumentException("Device '" + device.id() + "' is declared twice");
            }
            devices.add(device);
            return this;
        }

        /** {@link #device(Device)} from the wire shape {@code {"id", "type", "model"?, "properties"?}}. */
        public Builder device(Map<String, ?> device) {
            return device(Device.fromJson(json(device)));
        }

        /** An entry of {@code installed_software} (default {@code {"java": "<feature version>"}}). */
        public Builder installedSoftware(String name, String version) {
            installedSoftware.put(name, version);
            return this;
        }

        /** An entry of {@code installed_artifacts}: {@code {"name", "version"}}. */
        public Builder installedArtifact(String name, String version) {
            installedArtifacts.addObject().put("name", name).put("version", version);
            return this;
        }

        /** An entry of {@code capabilities.extra} (beside {@code websockets}). */
        public Builder capability(String name, Object value) {
            extraCapabilities.set(name, json(value));
            return this;
        }

        /** An entry of {@code capabilities.cost_per_skill}. */
        public Builder costPerSkill(String skill, double cost) {
            costPerSkill.put(skill, cost);
            return this;
        }

        /** Time between heartbeats (default 15 s). */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = positive(interval, "heartbeat interval");
            return this;
        }

        /** How long the server may hold a poll (default 30 s, the server's cap). */
        public Builder pollTimeout(Duration timeout) {
            this.pollTimeout = positive(timeout, "poll timeout");
            return this;
        }

        /** Wait after a poll that brought no task (default 0.5 s). */
        public Builder idlePollDelay(Duration delay) {
            this.idlePollDelay = notNegative(delay, "idle poll delay");
            return this;
        }

        /** How long close() lets running handlers finish before handing them back (default 30 s). */
        public Builder shutdownGracePeriod(Duration grace) {
            this.shutdownGrace = notNegative(grace, "shutdown grace period");
            return this;
        }

        /** Whether to keep a WebSocket for pushed cancels and events (default on). */
        public Builder webSocket(boolean enabled) {
            this.webSocket = enabled;
            return this;
        }

        /** The clock of message timestamps (default the system clock in UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The mapper for params, results and checkpoints (default a plain one with the modules found). */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * The HTTP client to use, for example one with an mTLS {@code SSLContext}. The caller
         * keeps it: close() does not shut it down.
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Host name to advertise (default the local host's). */
        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        /** Address to advertise (default the local host's). */
        public Builder ipAddress(String ipAddress) {
            this.ipAddress = ipAddress;
            return this;
        }

        /** Where the WebSocket is, when not at the server URL (tests run it on a port of its own). */
        Builder webSocketUrl(URI uri) {
            this.webSocketUri = Objects.requireNonNull(uri);
            return this;
        }

        Builder timings(Timings timings) {
            this.timings = Objects.requireNonNull(timings);
            return this;
        }

        Builder machineFacts(MachineFacts facts) {
            this.facts = Objects.requireNonNull(facts);
            return this;
        }

        /**
         * The roster to keep the devices in, so a {@link DeviceAgent} can look devices up through
         * the same list the worker reports; the builder's devices are added to it.
         */
        Builder deviceRoster(DeviceRoster roster) {
            this.roster = Objects.requireNonNull(roster);
            return this;
        }

        /** The worker id set so far, or null. */
        String workerIdOrNull() {
            return workerId;
        }

        /** How many devices were declared on this builder. */
        int declaredDevices() {
            return devices.size();
        }

        /** Whether {@link #concurrency} was called. */
        boolean concurrencySet() {
            return concurrencySet;
        }

        public CoxswainWorker build() {
            if (server == null) throw new IllegalStateException("serverUrl is required");
            if (workerId == null) throw new IllegalStateException("workerId is required");
            if (masterToken == null) throw new IllegalStateException("masterToken is required");
            if (skills.isEmpty()) throw new IllegalStateException("A worker needs at least one skill");
            if (mapper == null) mapper = new ObjectMapper().findAndRegisterModules();
            ObjectNode properties = JsonNodeFactory.instance.objectNode();
            properties.put("cpu_cores", facts.cpuCores());
            properties.put("ram_gb", facts.ramGb());
            properties.setAll(resourceProperties.deepCopy());
            ObjectNode software = installedSoftware.isEmpty()
                    ? JsonNodeFactory.instance.objectNode().put("java", Integer.toString(Runtime.version().feature()))
                    : installedSoftware.deepCopy();
            URI socketUri = webSocketUri != null ? webSocketUri : SocketLink.webSocketUri(server, workerId);
            Settings settings = new Settings(server, workerId, workerType, concurrency, heartbeatInterval, pollTimeout,
                    idlePollDelay, shutdownGrace, webSocket, socketUri, hostname, ipAddress, properties, software, installedArtifacts.deepCopy(), costPerSkill.deepCopy(), extraCapabilities.deepCopy());
            SkillSet skillSet = new SkillSet(skills, settings.costPerSkill(), settings.extraCapabilities());
            DeviceRoster deviceRoster = roster != null ? roster : new DeviceRoster();
            devices.forEach(deviceRoster::put);
            return new CoxswainWorker(this, settings, skillSet, deviceRoster);
        }

        private JsonNode json(Object value) {
            if (value instanceof JsonNode node) return node.deepCopy();
            return (mapper != null ? mapper : new ObjectMapper()).valueToTree(value);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive");
            return d;
        }

        private static Duration notNegative(Duration d, String what) {
            if (d == null || d.isNegative()) throw new IllegalArgumentException(what + " must not be negative");
            return d;
        }
    }
}
