package dev.coxswain.core.node;

import dev.coxswain.core.device.DeviceSettings;
import dev.coxswain.core.remote.RemoteSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Engine settings. {@link #defaults} gives the values the server starts with.
 *
 * @param workerId         id of this node's local worker ({@code worker-…})
 * @param concurrency      attempts the local worker runs at once
 * @param lease            how long a claim holds without renewal before it counts as lost
 * @param heartbeat        how often the local worker renews leases and reports itself
 * @param workerTtl        heartbeat age after which a worker counts as offline
 * @param fallbackPoll     the slow poll behind the signals (work written by other nodes)
 * @param maxLogLinesPerTask bound on stored log lines per task
 * @param logFlush         how often buffered output lines are written while tasks run
 * @param resourcesPath    a path on the disk whose usage the worker reports
 * @param remote           the remote-worker protocol's settings (TTL and lease, longest poll)
 * @param devices          device tasks: scripts, retries, timeout, plans, the zone of start times
 */
public record EngineConfig(String workerId, String hostname, String version, List<String> workerTags,
                           int concurrency, int claimBatch, Duration lease, Duration heartbeat, Duration workerTtl,
                           Duration fallbackPoll, int maxLogLinesPerTask, Duration logFlush, Path resourcesPath,
                           RemoteSettings remote, DeviceSettings devices) {

    public EngineConfig(String workerId, String hostname, String version, List<String> workerTags,
                        int concurrency, int claimBatch, Duration lease, Duration heartbeat, Duration workerTtl,
                        Duration fallbackPoll, int maxLogLinesPerTask, Duration logFlush, Path resourcesPath,
                        RemoteSettings remote) {
        this(workerId, hostname, version, workerTags, concurrency, claimBatch, lease, heartbeat, workerTtl, fallbackPoll,
                maxLogLinesPerTask, logFlush, resourcesPath, remote, DeviceSettings.defaults());
    }

    public EngineConfig(String workerId, String hostname, String version, List<String> workerTags,
                        int concurrency, int claimBatch, Duration lease, Duration heartbeat, Duration workerTtl,
                        Duration fallbackPoll, int maxLogLinesPerTask, Duration logFlush, Path resourcesPath) {
        this(workerId, hostname, version, workerTags, concurrency, claimBatch, lease, heartbeat, workerTtl, fallbackPoll,
                maxLogLinesPerTask, logFlush, resourcesPath, RemoteSettings.defaults());
    }

    public EngineConfig withRemote(RemoteSettings r) {
        return new EngineConfig(workerId, hostname, version, workerTags, concurrency, claimBatch, lease, heartbeat,
                workerTtl, fallbackPoll, maxLogLinesPerTask, logFlush, resourcesPath, r, devices);
    }

    public EngineConfig withDevices(DeviceSettings d) {
        return new EngineConfig(workerId, hostname, version, workerTags, concurrency, claimBatch, lease, heartbeat,
                workerTtl, fallbackPoll, maxLogLinesPerTask, logFlush, resourcesPath, remote, d);
    }

    public static final int DEFAULT_MAX_LOG_LINES = 10_000;

    public static EngineConfig defaults(String workerId, String hostname, String version, Path resourcesPath) {
        return new EngineConfig(workerId, hostname, version, List.of("local"),
                2 * Runtime.getRuntime().availableProcessors(), 256, Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(15), Duration.ofSeconds(2), DEFAULT_MAX_LOG_LINES, Duration.ofMillis(200), resourcesPath);
    }

    public EngineConfig withConcurrency(int n) {
        return new EngineConfig(workerId, hostname, version, workerTags, n, claimBatch, lease, heartbeat, workerTtl,
                fallbackPoll, maxLogLinesPerTask, logFlush, resourcesPath, remote, devices);
    }

    public EngineConfig withLease(Duration leaseDuration, Duration heartbeatEvery) {
        return new EngineConfig(workerId, hostname, version, workerTags, concurrency, claimBatch, leaseDuration,
                heartbeatEvery, workerTtl, fallbackPoll, maxLogLinesPerTask, logFlush, resourcesPath, remote, devices);
    }

    public EngineConfig withMaxLogLines(int n) {
        return new EngineConfig(workerId, hostname, version, workerTags, concurrency, claimBatch, lease, heartbeat,
                workerTtl, fallbackPoll, n, logFlush, resourcesPath, remote, devices);
    }
}
