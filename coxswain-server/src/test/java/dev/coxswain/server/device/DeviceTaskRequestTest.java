package dev.coxswain.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.device.CreateRequest;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceTaskRequestTest {
    static CreateRequest parse(String json) {
        return DeviceTaskRequest.parse(Json.read(json), "api");
    }

    /** The code and message of the refusal. */
    static DeviceError refused(String json) {
        try {
            parse(json);
        } catch (DeviceError e) {
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    static void invalid(String json, String messagePart) {
        DeviceError e = refused(json);
        assertThat(e.code()).as(json).isEqualTo(DeviceCode.INVALID_PARAMS);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).as(json).contains(messagePart);
    }

    @Test
    void theSmallestRequestTakesTheDefaults() {
        CreateRequest r = parse("{\"serials\": [\"A1\", \"B2\"], \"script_name\": \"post\"}");
        assertThat(r.serials()).containsExactly("A1", "B2");
        assertThat(r.usernames()).isNull();
        assertThat(r.scriptName()).isEqualTo("post");
        assertThat(r.scriptConfig().isObject()).isTrue();
        assertThat(r.scriptConfig().isEmpty()).isTrue();
        assertThat(r.multiAccount()).isFalse();
        assertThat(r.minInterval()).isEqualTo(1);
        assertThat(r.maxInterval()).isEqualTo(5);
        assertThat(r.startTime()).isNull();
        assertThat(r.source()).isEqualTo("api");
    }

    @Test
    void everyFieldIsRead() {
        CreateRequest r = parse("""
                {"usernames": ["alice"], "script_name": " follow ", "script_config": {"target_users": ["x", "y"]},
                 "enable_multi_account": true, "min_interval": 0, "max_interval": 86400, "start_time": "23:59",
                 "unknown": "ignored"}""");
        assertThat(r.serials()).isNull();
        assertThat(r.usernames()).containsExactly("alice");
        assertThat(r.scriptName()).isEqualTo("follow");
        assertThat(r.scriptConfig().get("target_users").size()).isEqualTo(2);
        assertThat(r.multiAccount()).isTrue();
        assertThat(r.minInterval()).isZero();
        assertThat(r.maxInterval()).isEqualTo(86_400);
        assertThat(r.startTime()).isEqualTo(LocalTime.of(23, 59));
    }

    @Test
    void nullsCountAsAbsent() {
        CreateRequest r = parse("{\"serials\": [\"A\"], \"usernames\": null, \"script_name\": \"post\", \"script_config\": null, "
                + "\"enable_multi_account\": null, \"min_interval\": null, \"max_interval\": null, \"start_time\": null}");
        assertThat(r.minInterval()).isEqualTo(1);
        assertThat(r.startTime()).isNull();
    }

    @Test
    void theBodyMustBeAnObject() {
        for (String body : List.of("[]", "\"post\"", "3", "null", "true")) invalid(body, "JSON object");
    }

    @Test
    void serialsOrUsernamesExactlyOne() {
        invalid("{\"script_name\": \"post\"}", "serials is required");
        invalid("{\"serials\": [\"A\"], \"usernames\": [\"u\"], \"script_name\": \"post\"}", "not both");
    }

    @Test
    void targetListsMustBeNonEmptyArraysOfNonEmptyStrings() {
        for (String field : List.of("serials", "usernames")) {
            invalid("{\"" + field + "\": [], \"script_name\": \"post\"}", field + " must not be empty");
            invalid("{\"" + field + "\": \"A1\", \"script_name\": \"post\"}", field + " must be an array");
            invalid("{\"" + field + "\": {\"a\": 1}, \"script_name\": \"post\"}", field + " must be an array");
            invalid("{\"" + field + "\": [1], \"script_name\": \"post\"}", "non-empty strings");
            invalid("{\"" + field + "\": [\"\"], \"script_name\": \"post\"}", "non-empty strings");
            invalid("{\"" + field + "\": [\"  \"], \"script_name\": \"post\"}", "non-empty strings");
            invalid("{\"" + field + "\": [null], \"script_name\": \"post\"}", "non-empty strings");
            invalid("{\"" + field + "\": [\"A\\u0000\"], \"script_name\": \"post\"}", "NUL");
            invalid("{\"" + field + "\": [\"" + "s".repeat(256) + "\"], \"script_name\": \"post\"}", "at most 255");
        }
        StringBuilder many = new StringBuilder("{\"serials\": [");
        for (int i = 0; i <= DeviceTaskRequest.MAX_TARGETS; i++) many.append(i == 0 ? "" : ",").append("\"s").append(i).append('"');
        invalid(many.append("], \"script_name\": \"post\"}").toString(), "at most 10000");
    }

    @Test
    void aMissingOrBlankScriptNameIs40002() {
        for (String body : List.of("{\"serials\": [\"A\"]}", "{\"serials\": [\"A\"], \"script_name\": null}",
                "{\"serials\": [\"A\"], \"script_name\": \"\"}", "{\"serials\": [\"A\"], \"script_name\": \"   \"}")) {
            DeviceError e = refused(body);
            assertThat(e.code()).as(body).isEqualTo(DeviceCode.MISSING_SCRIPT_NAME);
            assertThat(e.status()).isEqualTo(400);
        }
        invalid("{\"serials\": [\"A\"], \"script_name\": 5}", "script_name must be a string");
        invalid("{\"serials\": [\"A\"], \"script_name\": [\"post\"]}", "script_name must be a string");
    }

    @Test
    void wrongTypesAre40001() {
        invalid("{\"serials\": [\"A\"], \"script_name\": \"post\", \"script_config\": []}", "script_config must be an object");
        invalid("{\"serials\": [\"A\"], \"script_name\": \"post\", \"script_config\": \"{}\"}", "script_config must be an object");
        invalid("{\"serials\": [\"A\"], \"script_name\": \"post\", \"enable_multi_account\": \"true\"}", "enable_multi_account");
        invalid("{\"serials\": [\"A\"], \"script_name\": \"post\", \"enable_multi_account\": 1}", "enable_multi_account");
    }

    @Test
    void intervalsAreWholeSecondsInRangeAndOrdered() {
        for (String v : List.of("\"3\"", "2.5", "2.0", "true", "[]", "-1", "86401", "99999999999999999999", "-99999999999999999999")) {
            invalid("{\"serials\": [\"A\"], \"script_name\": \"post\", \"min_interval\": " + v + "}", "min_interval");
            invalid("{\"serials\": [\"A\"], \"script_name\": \"post\", \"max_interval\": " + v + "}", "max_interval");
        }
        invalid("{\"serials\": [\"A\"], \"script_name\": \"post\", \"min_interval\": 10, \"max_interval\": 5}",
                "min_interval (10) must not be greater than max_interval (5)");
        // Only min given: the default max (5) is below it.
        invalid("{\"serials\": [\"A\"], \"script_name\": \"post\", \"min_interval\": 6}", "greater than max_interval");
        CreateRequest same = parse("{\"serials\": [\"A\"], \"script_name\": \"post\", \"min_interval\": 7, \"max_interval\": 7}");
        assertThat(same.minInterval()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"24:00", "9:30", "09:5", "09:60", "0930", "09:30:00", "ab:cd", " 09:30", "", "-1:00", "12:00pm"})
    void aBadStartTimeIs40001(String value) {
        invalid("{\"serials\": [\"A\"], \"script_name\": \"post\", \"start_time\": \"" + value + "\"}", "start_time must be HH:MM");
    }

    @Test
    void startTimeMustBeAString() {
        invalid("{\"serials\": [\"A\"], \"script_name\": \"post\", \"start_time\": 930}", "start_time must be HH:MM");
        assertThat(parse("{\"serials\": [\"A\"], \"script_name\": \"post\", \"start_time\": \"00:00\"}").startTime())
                .isEqualTo(LocalTime.MIDNIGHT);
    }

    @Test
    void scriptConfigIsPassedOnAsGiven() {
        JsonNode body = Json.read("{\"serials\": [\"A\"], \"script_name\": \"comment\", "
                + "\"script_config\": {\"target_post_url\": \"u1\\nu2\", \"n\": {\"deep\": [1, 2]}}}");
        CreateRequest r = DeviceTaskRequest.parse(body, "api");
        assertThat(r.scriptConfig()).isEqualTo(body.get("script_config"));
    }
}
