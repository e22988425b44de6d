package dev.coxswain.core.workflow;

import dev.coxswain.core.Json;
import dev.coxswain.core.workflow.blueprint.Blueprint;
import dev.coxswain.core.workflow.blueprint.BlueprintParser;
import dev.coxswain.core.workflow.blueprint.InputSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Stored blueprint versions, parsed once. A version never changes after it is stored, so the
 * cache needs no invalidation, and every node of a cluster reads the same versions.
 */
final class BlueprintRegistry {
    private final BlueprintStore store;
    private final ConcurrentMap<String, StoredBlueprint> parsed = new ConcurrentHashMap<>();

    BlueprintRegistry(BlueprintStore store) {
        this.store = store;
    }

    /** @return the version, or null when there is none */
    StoredBlueprint get(Connection c, String name, int version) throws SQLException {
        StoredBlueprint bp = parsed.get(name + "@" + version);
        if (bp != null) return bp;
        BlueprintStore.Row row = store.find(c, name, version);
        return row == null ? null : cache(row);
    }

    /** @return the newest version, or null */
    StoredBlueprint latest(Connection c, String name) throws SQLException {
        BlueprintStore.Row row = store.latest(c, name);
        return row == null ? null : get(c, row.name(), row.version());
    }

    StoredBlueprint cache(BlueprintStore.Row row) {
        return parsed.computeIfAbsent(row.name() + "@" + row.version(), k -> {
            Blueprint b = BlueprintParser.parse(Json.read(row.definition()));
            return new StoredBlueprint(row.name(), row.version(), row.apiVersion(), row.apiEndpoint(), b,
                    b.inputSchema() == null ? null : InputSchema.compile(b.inputSchema()), row.createdBy(), row.createdAt());
        });
    }

    /** Forgets everything (the store was flushed). */
    void clear() {
        parsed.clear();
    }
}
