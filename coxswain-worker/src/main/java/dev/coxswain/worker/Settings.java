package dev.coxswain.worker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;

/**
 * A worker's configuration as the builder settled it; JSON parts are the registration's own
 * shapes, already converted. The devices are not here: they may change while the worker runs
 * ({@link DeviceRoster}).
 */
record Settings(
        URI server,
        String workerId,
        String workerType,
        int concurrency,
        Duration heartbeatInterval,
        Duration pollTimeout,
        Duration idlePollDelay,
        Duration shutdownGrace,
        boolean webSocket,
        URI webSocketUri,
        String hostname,
        String ipAddress,
        ObjectNode resourceProperties,
        ObjectNode installedSoftware,
        ArrayNode installedArtifacts,
        ObjectNode costPerSkill,
        ObjectNode extraCapabilities) {
}
