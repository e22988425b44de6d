package dev.coxswain.worker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The devices a worker declares now, by id, in declaration order. Safe to change from any thread
 * while the worker runs: every registration and heartbeat reads the current list, and a change
 * calls the listener (the worker's doorbell for an early heartbeat), outside the lock.
 *
 * <p>Once a worker has declared a device it keeps saying so: heartbeats then carry the full list
 * even when it has become empty, because an absent list means "no change" to the server (that is
 * how an SDK worker, which declares devices only at registration, is read) while an empty one
 * means every device is gone.
 *
 * <p>Each change has a version; the worker records the newest version the server has taken (a
 * registration or heartbeat answered), so a task that still arrives for a device just withdrawn
 * can wait until the server knows, and then be handed back to a queue that will hold it.
 */
final class DeviceRoster {
    private final Map<String, Device> byId = new LinkedHashMap<>();
    /** Serial → the version that withdrew it, for devices withdrawn and not declared again. */
    private final Map<String, Long> withdrawn = new HashMap<>();
    private boolean declared;
    private long version;
    private long reported;
    private volatile Runnable listener = () -> { };

    /** Who to tell after a change; the worker sets it once, when it is built. */
    void onChange(Runnable listener) {
        this.listener = listener;
    }

    /**
     * Adds a device, or replaces the one with the same id.
     *
     * @return whether the list changed (false when an equal device was already there)
     */
    boolean put(Device device) {
        boolean changed;
        synchronized (this) {
            declared = true;
            changed = !device.equals(byId.put(device.id(), device));
            withdrawn.remove(device.id());
            if (changed) version++;
        }
        if (changed) listener.run();
        return changed;
    }

    /** @return whether a device of that id was there */
    boolean remove(String id) {
        boolean removed;
        synchronized (this) {
            removed = byId.remove(id) != null;
            if (removed) withdrawn.put(id, ++version);
        }
        if (removed) listener.run();
        return removed;
    }

    synchronized Optional<Device> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The version that withdrew this serial, if it was withdrawn and not declared again. */
    synchronized Optional<Long> withdrawnAt(String id) {
        return Optional.ofNullable(withdrawn.get(id));
    }

    synchronized List<Device> list() {
        return new ArrayList<>(byId.values());
    }

    synchronized int size() {
        return byId.size();
    }

    /** Whether any device was ever declared (so heartbeats must carry the list). */
    synchronized boolean declared() {
        return declared;
    }

    /** The current version; read it before building a body, so the body holds at least that. */
    synchronized long version() {
        return version;
    }

    /** The server has taken a body built at {@code version} or later. */
    synchronized void reported(long version) {
        if (version > reported) {
            reported = version;
            notifyAll();
        }
    }

    /**
     * Waits until the server has taken the list of {@code version} or a later one.
     *
     * @return false when {@code timeout} passed first
     */
    synchronized boolean awaitReported(long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (reported < version) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** The {@code resources.devices} array, freshly built. */
    synchronized ArrayNode toJson() {
        ArrayNode devices = JsonNodeFactory.instance.arrayNode();
        for (Device d : byId.values()) devices.add(d.toJson());
        return devices;
    }
}
