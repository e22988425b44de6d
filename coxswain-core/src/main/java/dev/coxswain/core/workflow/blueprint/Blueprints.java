package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/** Text → validated blueprint in one call: what registering a blueprint needs. */
public final class Blueprints {
    private Blueprints() {
    }

    /** A usable blueprint and the warnings it raised. */
    public record Loaded(Blueprint blueprint, List<Problem> warnings) {
        public Loaded {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param format {@code json} or {@code yaml}
     * @param knownSkills skills some worker advertises (unknown ones are warnings), or null not to check
     * @param knownBlueprints registered blueprint names (unknown sub-blueprints are warnings), or null not to check
     * @throws BlueprintInvalidException with every problem, errors and warnings, when there is any error
     */
    public static Loaded load(String source, String format, Set<String> knownSkills, Set<String> knownBlueprints) {
        return load(BlueprintParser.read(source, format), knownSkills, knownBlueprints);
    }

    public static Loaded load(JsonNode raw, Set<String> knownSkills, Set<String> knownBlueprints) {
        List<Problem> problems = BlueprintValidator.validate(raw, knownSkills, knownBlueprints);
        if (problems.stream().anyMatch(Problem::isError)) throw new BlueprintInvalidException(problems);
        return new Loaded(BlueprintReader.read(raw), problems);
    }
}
