package dev.coxswain.core.pganalysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.pganalysis.Lang;
import dev.coxswain.core.pganalysis.PgAnalysisException;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The three statistics analyzers read {@code language} like config_check does: ru, en, or an error. */
class AnalysisParamsTest {
    private static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final List<Function<JsonNode, Lang>> PARSERS = List.of(
            p -> TableAnalysisParams.fromJson(p).language(),
            p -> QueryAnalysisParams.fromJson(p).language(),
            p -> LogAnalysisParams.fromJson(p).language());

    @Test
    void russianByDefaultEnglishOnRequestAndATypoIsAnError() {
        for (Function<JsonNode, Lang> parse : PARSERS) {
            assertThat(parse.apply(json("{}"))).isEqualTo(Lang.RU);
            assertThat(parse.apply(json("{\"language\": \"EN\"}"))).isEqualTo(Lang.EN);
            assertThatThrownBy(() -> parse.apply(json("{\"language\": \"fr\"}")))
                    .isInstanceOfSatisfying(PgAnalysisException.class,
                            e -> assertThat(e.code()).isEqualTo(PgAnalysisException.INVALID_PARAMS))
                    .hasMessageContaining("\"ru\" or \"en\"");
        }
    }
}
