package dev.coxswain.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's row while one transaction works on it: the steps change these fields, and the store
 * writes them back at the end. Never shared between transactions or threads.
 */
final class JobRow {
    String id;
    String blueprintName;
    int blueprintVersion;
    String owner;
    JobStatus status;
    String currentState;
    ObjectNode data;
    JsonNode result;
    String errorMessage;
    String webhookUrl;
    Integer dispatchTimeout;
    Integer resultTimeout;
    String parentJobId;
    String childJobId;
    List<Long> taskIds = new ArrayList<>();
    int transitionCount;
    int retryCount;
    boolean stepDue;
    Instant dispatchDeadline;
    Instant resultDeadline;
    JsonNode metadata;
    Instant createdAt;
    Instant updatedAt;
    Instant finishedAt;

    ObjectNode obj(String key) {
        JsonNode n = data.get(key);
        if (n instanceof ObjectNode o) return o;
        return data.putObject(key);
    }

    Job snapshot() {
        return new Job(id, blueprintName, blueprintVersion, owner, status, currentState, data.deepCopy(), result,
                errorMessage, webhookUrl, dispatchTimeout, resultTimeout, parentJobId, childJobId, List.copyOf(taskIds),
                transitionCount, retryCount, dispatchDeadline, resultDeadline, metadata, createdAt, updatedAt, finishedAt);
    }
}
