package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.worker.protocol.CanonicalJson;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The skills a worker offers: their handlers, their {@code SkillInfo} descriptors and the
 * {@code skills_hash} the server uses to skip resending them. The hash is the SDK's: sha256 of the
 * canonical {@code {"capabilities": cost_per_skill, "extra": extra capabilities, "skills": [...]}},
 * so a server that caches descriptors by hash treats both workers alike.
 */
final class SkillSet {
    /** One skill as declared on the builder. */
    record Skill(String name, String description, JsonNode inputSchema, TaskHandler handler) {
    }

    private final Map<String, Skill> byName;
    private final ArrayNode descriptors;
    private final String hash;

    SkillSet(List<Skill> skills, JsonNode costPerSkill, JsonNode extraCapabilities) {
        Map<String, Skill> map = new LinkedHashMap<>();
        for (Skill skill : skills) {
            if (map.putIfAbsent(skill.name(), skill) != null) {
                throw new IllegalArgumentException("Skill '" + skill.name() + "' is declared twice");
            }
        }
        this.byName = Collections.unmodifiableMap(map);
        this.descriptors = JsonNodeFactory.instance.arrayNode();
        for (Skill skill : map.values()) descriptors.add(descriptor(skill));
        ObjectNode contract = JsonNodeFactory.instance.objectNode();
        contract.set("skills", descriptors);
        contract.set("capabilities", costPerSkill);
        contract.set("extra", extraCapabilities);
        this.hash = sha256(CanonicalJson.canonicalBytes(contract));
    }

    private static ObjectNode descriptor(Skill skill) {
        ObjectNode info = JsonNodeFactory.instance.objectNode();
        info.put("name", skill.name());
        info.put("type", skill.name());
        if (skill.description() != null) info.put("description", skill.description());
        if (skill.inputSchema() != null) info.set("input_schema", skill.inputSchema().deepCopy());
        return info;
    }

    /** The handler for a task type, or null when this worker has no such skill. */
    TaskHandler handler(String type) {
        Skill skill = byName.get(type);
        return skill == null ? null : skill.handler();
    }

    List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /** A fresh copy of the {@code supported_skills} array. */
    ArrayNode descriptors() {
        return descriptors.deepCopy();
    }

    String hash() {
        return hash;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
