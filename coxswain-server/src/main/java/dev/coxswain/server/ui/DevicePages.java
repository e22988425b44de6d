package dev.coxswain.server.ui;

import dev.coxswain.core.remote.DeviceRegistry;
import dev.coxswain.core.remote.DeviceRegistry.DeviceView;
import java.util.List;

/**
 * Devices remote workers reported (phones, boards): serial, owner, model, whether it is there and
 * online, the task it is busy with, its accounts. Pages of {@value #PAGE_SIZE} by serial (keyset),
 * optionally of one worker; the list refreshes every 5 s.
 */
public final class DevicePages {
    static final int PAGE_SIZE = 100;
    static final int MAX_SERIAL = 200;

    public record Row(String serial, String workerHref, String workerId, String type, String model, String state,
                      String stateClass, String taskHref, String taskId, String accounts, String lastSeen,
                      String lastSeenIso, String lastSeenRelative) {
    }

    /** The live part. {@code nextHref}: the next page (null on the last); {@code firstHref}: back to the first (null there). */
    public record Table(String liveHref, List<Row> rows, String worker, String nextHref, String firstHref, String refreshed) {
    }

    public record ListPage(Chrome chrome, Table table) {
    }

    private final DeviceRegistry devices;
    private final UiFormat fmt;

    DevicePages(DeviceRegistry devices, UiFormat fmt) {
        this.devices = devices;
        this.fmt = fmt;
    }

    void register(UiRoutes r) {
        r.get("/ui/devices", this::list);
    }

    /** The page, or with {@code part=table} the live part alone. */
    private void list(UiCall call) {
        ReadScope.require(call);
        String worker = call.query("worker");
        String after = call.query("after");
        if (worker != null && worker.length() > MAX_SERIAL) throw UiException.badRequest("worker is too long.");
        if (after != null && after.length() > MAX_SERIAL) throw UiException.badRequest("after is too long.");
        List<DeviceView> found = devices.page(worker, after, PAGE_SIZE + 1);
        boolean more = found.size() > PAGE_SIZE;
        List<Row> rows = found.stream().limit(PAGE_SIZE).map(this::row).toList();
        String self = listHref(worker, after);
        Table table = new Table(self + (self.contains("?") ? "&" : "?") + "part=table", rows, worker,
                more ? listHref(worker, found.get(PAGE_SIZE - 1).serial()) : null, after == null ? null : listHref(worker, null),
                fmt.time(fmt.now()));
        if ("table".equals(call.query("part"))) {
            call.page("devices_table.jte", table);
            return;
        }
        call.page("devices_list.jte", new ListPage(call.chrome("Devices", "devices"), table));
    }

    private Row row(DeviceView d) {
        return new Row(d.serial(), WorkerPages.href(d.workerId()), d.workerId(), d.type(), d.model(), state(d), stateClass(d),
                d.currentTaskId() == null ? null : WorkerPages.taskHref(d.currentTaskId()),
                d.currentTaskId() == null ? null : fmt.taskId(d.currentTaskId()), String.join(", ", d.accounts()),
                fmt.time(d.lastSeenAt()), fmt.iso(d.lastSeenAt()), fmt.relative(d.lastSeenAt()));
    }

    /** "busy", "online", "offline" (its worker is gone) or "gone" (its worker no longer reports it). */
    static String state(DeviceView d) {
        if (!d.present()) return "gone";
        if (!d.online()) return "offline";
        return d.currentTaskId() != null ? "busy" : "online";
    }

    static String stateClass(DeviceView d) {
        return switch (state(d)) {
            case "busy" -> "live";
            case "online" -> "ok";
            case "offline" -> "bad";
            default -> "idle";
        };
    }

    static String listHref(String worker, String after) {
        StringBuilder b = new StringBuilder("/ui/devices");
        String sep = "?";
        if (worker != null) {
            b.append(sep).append("worker=").append(WorkerPages.enc(worker));
            sep = "&";
        }
        if (after != null) b.append(sep).append("after=").append(WorkerPages.enc(after));
        return b.toString();
    }
}
