package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConditionTest {
    private static final JsonNode CONTEXT = Json.read("""
            {"n": 5, "big": 12345678901234567890, "ratio": 2.5, "s": "banana", "t": true, "nil": null,
             "list": [1, "two", {"k": 3}], "obj": {"a": 1, "b": [1, 2]}}""");

    private static boolean test(String when) {
        return Condition.parse(Json.read(when)).test(CONTEXT);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // eq / ne: numbers by value, anything else by deep equality, missing = null
            "{\"path\":\"n\",\"eq\":5}                | true",
            "{\"path\":\"n\",\"eq\":5.0}              | true",
            "{\"path\":\"n\",\"eq\":6}                | false",
            "{\"path\":\"n\",\"eq\":\"5\"}            | false",
            "{\"path\":\"s\",\"eq\":\"banana\"}       | true",
            "{\"path\":\"t\",\"eq\":true}             | true",
            "{\"path\":\"obj\",\"eq\":{\"b\":[1,2.0],\"a\":1}} | true",
            "{\"path\":\"missing\",\"eq\":null}       | true",
            "{\"path\":\"nil\",\"eq\":null}           | true",
            "{\"path\":\"n\",\"ne\":6}                | true",
            "{\"path\":\"n\",\"ne\":5}                | false",
            "{\"path\":\"n\",\"ne\":\"5\"}            | true",
            "{\"path\":\"missing\",\"ne\":1}          | true",
            // orderings: numbers numerically, strings lexicographically, else false
            "{\"path\":\"n\",\"gt\":4}                | true",
            "{\"path\":\"n\",\"gt\":5}                | false",
            "{\"path\":\"n\",\"gte\":5}               | true",
            "{\"path\":\"n\",\"lt\":5.5}              | true",
            "{\"path\":\"n\",\"lte\":4.99}            | false",
            "{\"path\":\"ratio\",\"gt\":2}            | true",
            "{\"path\":\"big\",\"gt\":12345678901234567889} | true",
            "{\"path\":\"n\",\"gt\":40}               | false",
            "{\"path\":\"s\",\"gt\":\"apple\"}        | true",
            "{\"path\":\"s\",\"lt\":\"cherry\"}       | true",
            "{\"path\":\"s\",\"gte\":\"banana\"}      | true",
            "{\"path\":\"s\",\"lte\":\"b\"}           | false",
            "{\"path\":\"n\",\"gt\":\"4\"}            | false",
            "{\"path\":\"n\",\"lt\":\"4\"}            | false",
            "{\"path\":\"s\",\"gt\":1}                | false",
            "{\"path\":\"t\",\"gt\":0}                | false",
            "{\"path\":\"missing\",\"gt\":0}          | false",
            "{\"path\":\"missing\",\"lte\":0}         | false",
            "{\"path\":\"obj\",\"gt\":0}              | false",
            // in
            "{\"path\":\"n\",\"in\":[1,5]}            | true",
            "{\"path\":\"n\",\"in\":[1.0,5.0]}        | true",
            "{\"path\":\"s\",\"in\":[\"apple\",\"banana\"]} | true",
            "{\"path\":\"s\",\"in\":[]}               | false",
            "{\"path\":\"n\",\"in\":[\"5\"]}          | false",
            "{\"path\":\"missing\",\"in\":[null]}     | true",
            // exists: present and not null
            "{\"path\":\"n\",\"exists\":true}         | true",
            "{\"path\":\"nil\",\"exists\":true}       | false",
            "{\"path\":\"missing\",\"exists\":true}   | false",
            "{\"path\":\"missing\",\"exists\":false}  | true",
            "{\"path\":\"n\",\"exists\":false}        | false",
            // paths into arrays
            "{\"path\":\"list.1\",\"eq\":\"two\"}     | true",
            "{\"path\":\"list.2.k\",\"gte\":3}        | true",
            "{\"path\":\"list.9\",\"exists\":true}    | false",
            "{\"path\":\"n.x\",\"exists\":true}       | false",
            // all / any / not
            "{\"all\":[{\"path\":\"n\",\"gt\":1},{\"path\":\"s\",\"eq\":\"banana\"}]} | true",
            "{\"all\":[{\"path\":\"n\",\"gt\":1},{\"path\":\"s\",\"eq\":\"kiwi\"}]}   | false",
            "{\"any\":[{\"path\":\"n\",\"gt\":10},{\"path\":\"s\",\"eq\":\"banana\"}]} | true",
            "{\"any\":[{\"path\":\"n\",\"gt\":10},{\"path\":\"s\",\"eq\":\"kiwi\"}]}   | false",
            "{\"not\":{\"path\":\"n\",\"eq\":5}}       | false",
            "{\"not\":{\"any\":[{\"path\":\"missing\",\"exists\":true}]}} | true"})
    void operators(String when, boolean expected) {
        assertThat(test(when)).isEqualTo(expected);
    }

    @Test
    void aContextOfAnyShapeNeverThrows() {
        Condition c = Condition.parse(Json.read("{\"path\":\"a.b.0\",\"gt\":1}"));
        for (String ctx : new String[]{"null", "5", "\"text\"", "[]", "{\"a\":7}", "{\"a\":{\"b\":\"x\"}}", "{\"a\":[1]}"}) {
            assertThat(c.test(Json.read(ctx))).as(ctx).isFalse();
        }
        assertThat(c.test(null)).isFalse();
    }

    @Test
    void parseRefusesABadConditionWithItsFirstProblem() {
        assertThatThrownBy(() -> Condition.parse(Json.read("{\"path\":\"n\",\"between\":[1,2]}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("when.between: unknown operator 'between'; known: eq ne gt gte lt lte in exists");
    }

    @Test
    void toJsonWritesTheConditionBack() {
        String json = "{\"all\":[{\"path\":\"n\",\"gt\":1},{\"not\":{\"path\":\"s\",\"exists\":true}},{\"any\":[{\"path\":\"x\",\"in\":[1,2]}]}]}";
        Condition c = Condition.parse(Json.read(json));

        assertThat(c.toJson()).isEqualTo(Json.read(json));
        assertThat(Condition.parse(c.toJson())).isEqualTo(c);
    }
}
