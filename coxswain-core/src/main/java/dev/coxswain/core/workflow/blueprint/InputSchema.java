package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Optional;

/**
 * A blueprint's {@code input_schema}, compiled once, that checks a job's {@code initial_data}.
 * Draft 2020-12 unless the schema's {@code $schema} names another draft. A schema is checked
 * against its draft's meta-schema first (the validator itself accepts nonsense such as
 * {@code "type": "strnig"} and ignores it); the meta-schemas ship inside the library, and no
 * {@code $ref} is ever fetched from the network.
 */
public final class InputSchema {
    private final Schema schema;

    private InputSchema(Schema schema) {
        this.schema = schema;
    }

    /** @throws IllegalArgumentException with {@link #problem}'s text when the schema is invalid */
    public static InputSchema compile(JsonNode schema) {
        String problem = problem(schema);
        if (problem != null) throw new IllegalArgumentException(problem);
        return new InputSchema(registry().getSchema(schema));
    }

    /** @return null when {@code schema} is a valid JSON Schema, else what is wrong with it */
    public static String problem(JsonNode schema) {
        if (schema == null || !(schema.isObject() || schema.isBoolean())) return "must be a JSON Schema (an object)";
        JsonNode declared = schema.isObject() ? schema.get("$schema") : null;
        Optional<SpecificationVersion> draft = declared == null ? Optional.of(SpecificationVersion.DRAFT_2020_12)
                : SpecificationVersion.fromDialectId(declared.asText());
        if (draft.isEmpty()) return "unknown $schema '" + declared.asText() + "'";
        try {
            SchemaRegistry registry = registry();
            List<Error> errors = registry.getSchema(SchemaLocation.of(draft.get().getDialectId())).validate(schema);
            if (!errors.isEmpty()) return "not a valid JSON Schema: " + describe(errors);
            // Resolves every $ref now, so a dangling one is a registration problem, not a job's.
            registry.getSchema(schema).initializeValidators();
            return null;
        } catch (RuntimeException e) {
            return "not a usable JSON Schema: " + firstLine(e);
        }
    }

    /** @return what is wrong with {@code initialData}, one message per violation; empty when it is valid */
    public List<String> validate(JsonNode initialData) {
        try {
            return schema.validate(initialData).stream().map(InputSchema::message).toList();
        } catch (RuntimeException e) {
            // A $ref that cannot be resolved surfaces only now; it is the blueprint's fault, reported as a violation.
            return List.of("the input schema cannot be applied: " + firstLine(e));
        }
    }

    private static SchemaRegistry registry() {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemaLoader(l -> l.fetchRemoteResources(false)));
    }

    private static String describe(List<Error> errors) {
        return String.join("; ", errors.stream().limit(3).map(InputSchema::message).toList());
    }

    /** {@code /n: must have a minimum value of 1}: the JSON pointer into the instance, then what is wrong. */
    private static String message(Error e) {
        String at = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
        return at.isEmpty() ? e.getMessage() : at + ": " + e.getMessage();
    }

    /** The first line of an exception's message (regex errors span three). */
    private static String firstLine(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
