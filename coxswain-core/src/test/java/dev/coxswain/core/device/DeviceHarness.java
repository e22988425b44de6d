package dev.coxswain.core.device;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.remote.RemoteHarness;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A running engine on one store ({@link RemoteHarness}: a SQLite file or a fresh PostgreSQL
 * database, a clock only the test moves) with remote workers that hold devices, and the device
 * task service on it.
 */
final class DeviceHarness implements AutoCloseable {
    static final Principal PRO = principal("key:1", Tier.PRO);
    static final Principal STARTER = principal("key:2", Tier.STARTER);
    static final Principal UNLIMITED = principal("key:3", Tier.UNLIMITED);

    final RemoteHarness h;
    final DeviceTaskService svc;
    private final List<String> workers = new ArrayList<>();

    private DeviceHarness(RemoteHarness h) {
        this.h = h;
        this.svc = h.engine.deviceTasks();
    }

    /** An engine whose device settings are the defaults in UTC, changed by {@code tweak}. */
    static DeviceHarness open(StoreKind kind, Path dir, UnaryOperator<DeviceSettings> tweak) {
        RemoteHarness h = RemoteHarness.open(kind, dir);
        try {
            h.start(c -> c.withDevices(tweak.apply(DeviceSettings.defaults().withZone(ZoneOffset.UTC))));
            return new DeviceHarness(h);
        } catch (RuntimeException | Error e) {
            h.close();
            throw e;
        }
    }

    static Principal principal(String id, Tier tier) {
        return new Principal(id, id, Set.of(), tier, null);
    }

    /** A device as a worker reports it: {@code accounts} are plain usernames. */
    static ObjectNode device(String serial, String... accounts) {
        ObjectNode d = Json.object().put("id", serial).put("type", "android").put("model", "Pixel");
        ArrayNode a = d.putObject("properties").putArray("accounts");
        for (String u : accounts) a.add(u);
        return d;
    }

    /** Registers a remote worker with these skills and devices. */
    void worker(String workerId, List<String> skills, ObjectNode... devices) {
        ObjectNode body = RemoteHarness.registration(workerId, skills.toArray(String[]::new));
        ArrayNode ds = ((ObjectNode) body.get("resources")).putArray("devices");
        for (ObjectNode d : devices) ds.add(d);
        h.remote().register(workerId, body);
        workers.add(workerId);
    }

    /**
     * Moves the clock in steps shorter than the workers' TTL, each followed by a heartbeat of
     * every registered worker, so they stay online however far the clock goes.
     */
    void advance(Duration d) {
        Duration step = Duration.ofSeconds(20);
        while (!d.isZero()) {
            Duration s = d.compareTo(step) < 0 ? d : step;
            h.advance(s);
            d = d.minus(s);
            for (String w : workers) h.remote().heartbeat(w, null);
        }
    }

    static CreateRequest serials(String script, List<String> serials) {
        return new CreateRequest(serials, null, script, Json.object(), false, 1, 5, null, "api");
    }

    static CreateRequest serials(String script, ObjectNode config, String... serials) {
        return new CreateRequest(List.of(serials), null, script, config, false, 1, 5, null, "api");
    }

    static CreateRequest usernames(String script, String... usernames) {
        return new CreateRequest(null, List.of(usernames), script, Json.object(), false, 1, 5, null, "api");
    }

    static CreateRequest with(CreateRequest r, int min, int max, LocalTime start, String source, boolean multi) {
        return new CreateRequest(r.serials(), r.usernames(), r.scriptName(), r.scriptConfig(), multi, min, max, start, source);
    }

    Task task(long id) {
        return h.task(id);
    }

    long countTasks() {
        return h.db.read(c -> dev.coxswain.core.store.Sql.count(c, "SELECT COUNT(*) FROM tasks"));
    }

    /** The store's device columns of a task: device, owner, owner_limit, routed. */
    List<Object> deviceColumns(long id) {
        return h.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT device, owner, owner_limit, routed FROM tasks WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    List<Object> out = new ArrayList<>();
                    out.add(rs.getString(1));
                    out.add(rs.getString(2));
                    int limit = rs.getInt(3);
                    out.add(rs.wasNull() ? null : limit);
                    out.add(rs.getInt(4));
                    return out;
                }
            }
        });
    }

    @Override
    public void close() {
        h.close();
    }
}
