package dev.coxswain.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request to run a blueprint.
 *
 * @param owner           the principal id that owns the job (sees it, cancels it, decides its approvals)
 * @param dispatchTimeout seconds a step may wait for a worker to pick it up, or null (no limit)
 * @param resultTimeout   seconds a step may take from its dispatch to its result, or null (no limit)
 */
public record NewJob(String owner, JsonNode initialData, String webhookUrl, Integer dispatchTimeout,
                     Integer resultTimeout, JsonNode metadata) {
}
