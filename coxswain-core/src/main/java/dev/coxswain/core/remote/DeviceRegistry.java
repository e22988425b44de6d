package dev.coxswain.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.DeviceStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the store knows about devices, read for the faces (the native {@code /api/devices}, the device API). */
public final class DeviceRegistry {
    private final Database db;
    private final DeviceStore devices;
    private final Clock clock;

    public DeviceRegistry(Database db, DeviceStore devices, Clock clock) {
        this.db = db;
        this.devices = devices;
        this.clock = clock;
    }

    /**
     * A device as the faces show it.
     *
     * @param present       whether its worker still reports it
     * @param online        present and its worker online
     * @param currentTaskId the device task occupying it (running, or stopped and not yet let go by its worker), or null
     * @param lastSeenAt    its worker's last heartbeat while online, else when it was last reported
     */
    public record DeviceView(String serial, String workerId, String type, String model, JsonNode properties,
                             boolean present, boolean online, Long currentTaskId, Instant firstSeenAt, Instant lastSeenAt) {
        /**
         * The accounts logged in on the device: {@code properties.accounts}, an array of usernames
         * or of objects with a {@code username} (a Coxswain convention; the SDK has no accounts).
         */
        public List<String> accounts() {
            List<String> out = new ArrayList<>();
            if (properties == null) return out;
            for (JsonNode a : properties.path("accounts")) {
                JsonNode u = a.isObject() ? a.get("username") : a;
                if (u != null && u.isTextual() && !u.asText().isBlank() && !out.contains(u.asText())) out.add(u.asText());
            }
            return out;
        }
    }

    public List<DeviceView> list() {
        Instant now = clock.instant();
        return db.read(c -> devices.rows(c, null, now)).stream().map(DeviceRegistry::view).toList();
    }

    public Optional<DeviceView> find(String serial) {
        return Optional.ofNullable(findAll(List.of(serial)).get(serial));
    }

    /** The known devices among these serials, by serial (unknown ones are absent). */
    public Map<String, DeviceView> findAll(Collection<String> serials) {
        Instant now = clock.instant();
        Map<String, DeviceView> out = new LinkedHashMap<>();
        if (serials.isEmpty()) return out;
        for (DeviceStore.Row r : db.read(c -> devices.rows(c, serials, now))) out.put(r.device().serial(), view(r));
        return out;
    }

    /**
     * Up to {@code limit} devices in serial order after {@code afterSerial} (null: from the first),
     * of one worker when {@code workerId} is given: a keyset page for the dashboard.
     */
    public List<DeviceView> page(String workerId, String afterSerial, int limit) {
        Instant now = clock.instant();
        return db.read(c -> devices.page(c, workerId, afterSerial, limit, now)).stream().map(DeviceRegistry::view).toList();
    }

    /** How many present devices each of these workers owns (0 for none). */
    public Map<String, Integer> presentCounts(Collection<String> workerIds) {
        if (workerIds.isEmpty()) return Map.of();
        Map<String, Integer> found = db.read(c -> devices.presentCounts(c, workerIds));
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String id : workerIds) out.put(id, found.getOrDefault(id, 0));
        return out;
    }

    /** The skill names of workers that own at least one present device (their scripts). */
    public Set<String> deviceSkills() {
        Set<String> out = new java.util.TreeSet<>();
        for (JsonNode skills : db.read(devices::skillsOfDeviceWorkers)) {
            for (JsonNode sk : skills) if (sk.path("name").isTextual()) out.add(sk.get("name").asText());
        }
        return out;
    }

    private static DeviceView view(DeviceStore.Row r) {
        DeviceStore.Device d = r.device();
        boolean online = d.present() && r.workerOnline();
        Instant seen = online && r.workerHeartbeat() != null && r.workerHeartbeat().isAfter(d.lastSeenAt())
                ? r.workerHeartbeat() : d.lastSeenAt();
        return new DeviceView(d.serial(), d.workerId(), d.type(), d.model(), d.properties(), d.present(), online,
                d.busyTaskId(), d.firstSeenAt(), seen);
    }
}
