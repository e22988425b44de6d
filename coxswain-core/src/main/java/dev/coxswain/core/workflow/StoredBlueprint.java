package dev.coxswain.core.workflow;

import dev.coxswain.core.workflow.blueprint.Blueprint;
import java.time.Instant;

/** One registered version of a blueprint. */
public record StoredBlueprint(String name, int version, String apiVersion, String apiEndpoint, Blueprint blueprint,
                              String createdBy, Instant createdAt) {
}
