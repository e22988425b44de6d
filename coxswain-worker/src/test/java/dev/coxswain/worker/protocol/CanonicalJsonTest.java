package dev.coxswain.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalJsonTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void sortsKeysAtEveryLevelDropsNullMembersAndIsCompact() throws IOException {
        JsonNode node = mapper.readTree("""
                {"b": {"z": 1, "a": null, "m": [3, null, {"y": null, "x": true}]}, "a": "s", "c": null}
                """);

        assertThat(CanonicalJson.canonical(node)).isEqualTo("{\"a\":\"s\",\"b\":{\"m\":[3,null,{\"x\":true}],\"z\":1}}");
    }

    @Test
    void integralFloatsBecomeIntegers() throws IOException {
        JsonNode node = mapper.readTree("{\"a\": 1.0, \"b\": -0.0, \"c\": 2.50, \"d\": 1e3, \"e\": 12345678901234567890}");

        assertThat(CanonicalJson.canonical(node)).isEqualTo("{\"a\":1,\"b\":0,\"c\":2.5,\"d\":1000,\"e\":12345678901234567890}");
    }

    @ParameterizedTest
    @CsvSource({
            "0.0015, 0.0015", "0.205, 0.205", "0.5, 0.5", "1e-7, 1e-7", "1.5e-7, 1.5e-7", "0.00001, 0.00001",
            "0.000001, 1e-6", "-0.000012, -0.000012", "0.1, 0.1", "123.456, 123.456",
            "1234567890123456.7, 1234567890123456.8", "4.9e-324, 5e-324", "1.7976931348623157e308,"
                    + " 179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368",
            "1e22, 10000000000000000000000"})
    void floatsAreRenderedLikeOrjson(String in, String expected) {
        assertThat(CanonicalJson.canonical(JsonNodeFactory.instance.numberNode(Double.parseDouble(in)))).isEqualTo(expected);
    }

    @Test
    void theSumOfPointOneAndPointTwoKeepsAllItsDigits() {
        assertThat(CanonicalJson.canonical(JsonNodeFactory.instance.numberNode(0.1 + 0.2))).isEqualTo("0.30000000000000004");
    }

    /** Five thousand doubles across the whole range, rendered by orjson 3.8.3 (and int() when integral). */
    @Test
    void matchesOrjsonOnThousandsOfDoubles() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/orjson-floats.txt"), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] parts = line.split(" ");
                double value = Double.longBitsToDouble(HexFormat.fromHexDigitsToLong(parts[0]));
                String actual = FloatFormat.format(value);
                if (!actual.equals(parts[1])) mismatches.add(value + ": " + actual + " != " + parts[1]);
                String negated = parts[1].startsWith("-") ? parts[1].substring(1) : "-" + parts[1];
                if (!FloatFormat.format(-value).equals(negated)) mismatches.add(-value + ": " + FloatFormat.format(-value));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(5000);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void floatAndBigDecimalNodesRenderAsTheDoubleAReceiverParses() throws IOException {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("f", 0.1f);
        node.put("d", new BigDecimal("0.10"));
        node.put("i", new BigDecimal("3.000"));
        assertThat(CanonicalJson.canonical(node)).isEqualTo("{\"d\":0.1,\"f\":0.1,\"i\":3}");

        ObjectMapper bigDecimals = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        assertThat(CanonicalJson.canonical(bigDecimals.readTree("{\"x\":0.0015,\"y\":1.0}"))).isEqualTo("{\"x\":0.0015,\"y\":1}");
    }

    @Test
    void nonFiniteNumbersAreDroppedLikeNulls() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("nan", Double.NaN);
        node.put("inf", Double.POSITIVE_INFINITY);
        node.putArray("list").add(Double.NaN);
        assertThat(CanonicalJson.canonical(node)).isEqualTo("{\"list\":[null]}");
    }

    @Test
    void writesUtf8WithoutUnicodeEscapesExceptForControlCharacters() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("text", "héllo \"q\" \\ / \u2028 😀 \n\t\r\b\f \u0001\u001f\u007f");

        String canonical = CanonicalJson.canonical(node);
        assertThat(canonical).isEqualTo("{\"text\":\"héllo \\\"q\\\" \\\\ / \u2028 😀 \\n\\t\\r\\b\\f \\u0001\\u001f\u007f\"}");
        assertThat(CanonicalJson.canonicalBytes(node)).isEqualTo(canonical.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sortsKeysByCodePointLikeUtf8Bytes() {
        // U+FF21 sorts before U+1F600 by code point (and UTF-8 bytes), after it by UTF-16 units.
        ObjectNode node = mapper.valueToTree(Map.of("😀", 1, "Ａ", 2, "a", 3, "B", 4, "aa", 5));

        assertThat(CanonicalJson.canonical(node)).isEqualTo("{\"B\":4,\"a\":3,\"aa\":5,\"Ａ\":2,\"😀\":1}");
    }

    @Test
    void signingBytesLeaveOutSecurityAndForEventsTheBubblingChain() throws IOException {
        JsonNode message = mapper.readTree("{\"b\":1,\"security\":{\"signature\":\"x\"},\"bubbling_chain\":[],\"a\":null}");

        assertThat(new String(CanonicalJson.signingBytes(message, false), StandardCharsets.UTF_8))
                .isEqualTo("{\"b\":1,\"bubbling_chain\":[]}");
        assertThat(new String(CanonicalJson.signingBytes(message, true), StandardCharsets.UTF_8)).isEqualTo("{\"b\":1}");
        assertThat(message.has("security")).as("the message itself is left alone").isTrue();
    }

    @Test
    void refusesWhatIsNotAMessage() {
        assertThatThrownBy(() -> CanonicalJson.signingBytes(JsonNodeFactory.instance.arrayNode(), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.canonical(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
