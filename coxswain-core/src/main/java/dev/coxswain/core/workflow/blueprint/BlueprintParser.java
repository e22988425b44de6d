package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.coxswain.core.Json;
import java.util.List;
import java.util.Locale;

/**
 * Blueprint text (JSON or YAML) → tree → {@link Blueprint}. A duplicate key (two states of one
 * name) or trailing content is a parse error, not a silent "last one wins".
 */
public final class BlueprintParser {
    /** Readers are immutable once configured, so one of each is shared. */
    private static final ObjectReader JSON = strict(Json.MAPPER);
    private static final ObjectReader YAML = strict(new ObjectMapper(new YAMLFactory()));

    private BlueprintParser() {
    }

    /**
     * @param format {@code json} or {@code yaml} ({@code yml} too), any case
     * @throws BlueprintInvalidException when the text does not parse or the blueprint has errors
     */
    public static Blueprint parse(String source, String format) {
        return parse(read(source, format));
    }

    /** @throws BlueprintInvalidException with every problem when the tree has errors */
    public static Blueprint parse(JsonNode raw) {
        List<Problem> problems = BlueprintValidator.validate(raw, null, null);
        if (problems.stream().anyMatch(Problem::isError)) throw new BlueprintInvalidException(problems);
        return BlueprintReader.read(raw);
    }

    /** @return the text's tree, unvalidated; @throws BlueprintInvalidException (one problem at {@code $}) if it does not parse */
    public static JsonNode read(String source, String format) {
        ObjectReader reader = switch (format == null ? "" : format.toLowerCase(Locale.ROOT)) {
            case "json" -> JSON;
            case "yaml", "yml" -> YAML;
            default -> throw invalid("unknown format '" + format + "': use json or yaml");
        };
        if (source == null || source.isBlank()) throw invalid("the blueprint is empty");
        try {
            JsonNode tree = reader.readTree(source);
            if (tree == null || tree.isMissingNode()) throw invalid("the blueprint is empty");
            return tree;
        } catch (JsonProcessingException e) {
            throw invalid("not valid " + format.toLowerCase(Locale.ROOT) + ": " + describe(e));
        }
    }

    private static String describe(JsonProcessingException e) {
        String what = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().strip();
        int nl = what.indexOf('\n');
        if (nl >= 0) what = what.substring(0, nl).strip();
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? what : what + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static BlueprintInvalidException invalid(String message) {
        return new BlueprintInvalidException(List.of(Problem.error("$", message)));
    }

    private static ObjectReader strict(ObjectMapper mapper) {
        return mapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
