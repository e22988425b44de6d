package dev.coxswain.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every signed body the real Python SDK sent in the recorded run
 * (/work/shared/research/avtomatika-sdk-transcript.md, copied into test resources) verifies with
 * the SDK's key, and changing any of it breaks the signature.
 */
class TranscriptSignaturesTest {
    private static final String KEY = "secret-token";
    private final ObjectMapper mapper = new ObjectMapper();

    static Stream<String> bodies() {
        return Stream.of("01-register", "03-register", "30-register",
                "04-heartbeat", "07-heartbeat", "18-heartbeat", "22-heartbeat", "29-heartbeat",
                "31-heartbeat", "32-heartbeat",
                "10-result", "14-result", "16-result", "19-result", "21-result",
                "12-event", "13-event");
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void theSdksSignatureVerifies(String name) throws IOException {
        JsonNode body = read(name);

        assertThat(Signatures.verify(body, isEvent(name), KEY)).isTrue();
        assertThat(Signatures.sign(body, isEvent(name), KEY))
                .isEqualTo(body.path("security").path("signature").textValue());
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void aTamperedBodyOrAnotherKeyFails(String name) throws IOException {
        ObjectNode body = (ObjectNode) read(name);
        assertThat(Signatures.verify(body, isEvent(name), "other-token")).isFalse();

        body.put("timestamp", body.path("timestamp").asLong() + 1);
        assertThat(Signatures.verify(body, isEvent(name), KEY)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void reserialisingTheParsedBodyCanonicallyIsStable(String name) throws IOException {
        JsonNode body = read(name);
        String canonical = CanonicalJson.canonical(body);

        assertThat(CanonicalJson.canonical(mapper.readTree(canonical))).isEqualTo(canonical);
    }

    @org.junit.jupiter.api.Test
    void eventSignaturesIgnoreTheBubblingChainAndOtherMessagesDoNot() throws IOException {
        ObjectNode event = (ObjectNode) read("12-event");
        event.putArray("bubbling_chain").add("relay-1");
        assertThat(Signatures.verify(event, true, KEY)).isTrue();
        assertThat(Signatures.verify(event, false, KEY)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void aMissingOrMalformedSignatureFails() throws IOException {
        ObjectNode body = (ObjectNode) read("10-result");
        assertThat(Signatures.verify(body, false, KEY, "zz")).isFalse();
        assertThat(Signatures.verify(body, false, "")).isFalse();
        body.remove("security");
        assertThat(Signatures.verify(body, false, KEY)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void signatureHexIsLowerCaseAndComparedInAnyCase() throws IOException {
        JsonNode body = read("14-result");
        String signature = Signatures.sign(body, false, KEY);
        assertThat(signature).matches("[0-9a-f]{64}");
        assertThat(Signatures.verify(body, false, KEY, signature.toUpperCase())).isTrue();
    }

    private static boolean isEvent(String name) {
        return name.endsWith("event");
    }

    private JsonNode read(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/transcript/" + name + ".json")) {
            return mapper.readTree(in);
        }
    }
}
