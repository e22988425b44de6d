package dev.coxswain.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.StoreUnavailableException;
import dev.coxswain.server.http.BodyTooLargeException;
import dev.coxswain.server.http.MalformedJsonException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceErrorsTest {
    final DeviceErrors errors = new DeviceErrors();

    static void is(DeviceError e, int code, int status) {
        assertThat(e.status()).isEqualTo(status);
        JsonNode body = e.body();
        assertThat(body.size()).as("%s", body).isEqualTo(3);
        assertThat(body.get("code").asInt()).isEqualTo(code);
        assertThat(body.get("message").isTextual()).isTrue();
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.has("data")).isTrue();
    }

    @Test
    void theStatusIsTheCodesFirstThreeDigits() {
        for (DeviceCode c : DeviceCode.values()) {
            if (c == DeviceCode.SUCCESS) assertThat(c.httpStatus()).isEqualTo(200);
            else assertThat(c.httpStatus()).as("%s", c).isEqualTo(Integer.parseInt(Integer.toString(c.code).substring(0, 3)));
        }
    }

    @Test
    void everySharedFailureInTheEnvelope() {
        is(errors.unauthorized("no credential"), 40101, 401);
        is(errors.rateLimited("slow down"), 42901, 429);
        is(errors.forbidden(DeviceAccess.WRITE), 40302, 403);
        assertThat(errors.forbidden(DeviceAccess.WRITE).getMessage()).contains("'tasks:write'");
        is(errors.notFound(new NotFoundException("task 7 not found")), 40401, 404);
        is(errors.conflict(new ConflictException("task 7 is not running")), 40001, 400);
        is(errors.malformedJson(new MalformedJsonException("malformed JSON at line 1")), 40001, 400);
        is(errors.tooLarge(new BodyTooLargeException(1024)), 41301, 413);
        is(errors.unavailable(new StoreUnavailableException("down", null)), 50301, 503);
        is(errors.internal(), 50001, 500);
        assertThat(errors.internal().body().get("data").isNull()).isTrue();
    }

    @Test
    void aValidationNamesEveryField() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("serials", "unknown devices: X, Y");
        fields.put("min_interval", "too big");
        DeviceError e = errors.validation(new ValidationException(fields));
        is(e, 40001, 400);
        assertThat(e.getMessage()).isEqualTo("min_interval: too big; serials: unknown devices: X, Y");
    }

    @Test
    void dataIsCarriedWhenGiven() {
        DeviceError e = new DeviceError(DeviceCode.PLAN_REFUSED, "API access requires Pro+ plan", Json.object().put("plan_name", "Starter"));
        is(e, 40301, 403);
        assertThat(e.body().get("data").get("plan_name").asText()).isEqualTo("Starter");
    }
}
