package dev.coxswain.core.workflow;

import dev.coxswain.core.workflow.blueprint.Blueprint;
import dev.coxswain.core.workflow.blueprint.InputSchema;
import java.time.Instant;

/** One registered version of a blueprint, with its input schema compiled (null when it has none). */
public record StoredBlueprint(String name, int version, String apiVersion, String apiEndpoint, Blueprint blueprint,
                              InputSchema schema, String createdBy, Instant createdAt) {
}
