package dev.coxswain.server.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Creates the device tasks of the scale test over HTTP: {@code tasksPerDevice} {@code follow}
 * tasks for each serial, returning the ids of all of them.
 */
final class DeviceTaskCreator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Client threads for the one-task-per-request native API. */
    private static final int CLIENTS = 8;

    private final ScaleClient client;

    DeviceTaskCreator(ScaleClient client) {
        this.client = client;
    }

    /**
     * Through the native API, one {@code POST /api/tasks} per task ({@code type} = the script,
     * {@code requirements.device} = the serial), from several client threads.
     */
    List<Long> viaNativeApi(List<String> serials, int tasksPerDevice) throws InterruptedException {
        List<Long> ids = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<List<Long>>> parts = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                parts.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    // Round by round over the devices, so every device's queue fills from the start.
                    for (int i = client; i < serials.size() * tasksPerDevice; i += CLIENTS) {
                        String serial = serials.get(i % serials.size());
                        JsonNode created = this.client.post("/api/tasks", nativeTask(serial, "user" + i / serials.size()))
                                .expect(201);
                        mine.add(DeviceWorkers.taskNumber(created.get("data").get("id").asText()));
                    }
                    return mine;
                }));
            }
            for (Future<List<Long>> f : parts) ids.addAll(f.get());
        } catch (ExecutionException e) {
            throw new AssertionError("creating the tasks failed", e.getCause());
        }
        return ids;
    }

    private static ObjectNode nativeTask(String serial, String target) {
        ObjectNode b = F.objectNode();
        b.put("name", DeviceWorkers.SCRIPT + " on " + serial + " → " + target);
        b.put("type", DeviceWorkers.SCRIPT);
        b.put("max_retries", 0);
        ObjectNode params = b.putObject("params");
        params.put("serial", serial);
        params.put("script_name", DeviceWorkers.SCRIPT);
        params.putObject("script_config").put("target_user", target);
        b.putObject("requirements").put("device", serial);
        return b;
    }
}
