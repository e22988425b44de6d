package dev.coxswain.core.workflow.blueprint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The example blueprints under {@code src/test/resources/blueprints/} (three_step.yaml and its
 * JSON twin, fan_out.yaml, approval.yaml), for any test that needs a realistic blueprint.
 */
public final class BlueprintResources {
    private BlueprintResources() {
    }

    public static String text(String file) {
        try (InputStream in = BlueprintResources.class.getResourceAsStream("/blueprints/" + file)) {
            if (in == null) throw new IllegalArgumentException("no test blueprint " + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@code file} in the format its extension names. */
    public static Blueprint blueprint(String file) {
        return BlueprintParser.parse(text(file), file.endsWith(".json") ? "json" : "yaml");
    }
}
