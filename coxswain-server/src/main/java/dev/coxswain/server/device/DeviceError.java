package dev.coxswain.server.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.face.FaceError;

/**
 * An error answer of the device face: the product's envelope {@code {"code", "message", "data"}}
 * with a non-zero code; {@code data} is null except where the answer explains itself with data
 * (a starter plan's {@code license/check}).
 */
final class DeviceError extends FaceError {
    private final DeviceCode code;
    private final JsonNode data;

    DeviceError(DeviceCode code, String message, JsonNode data) {
        super(code.httpStatus(), message);
        this.code = code;
        this.data = data;
    }

    DeviceError(DeviceCode code, String message) {
        this(code, message, null);
    }

    DeviceCode code() {
        return code;
    }

    @Override
    public JsonNode body() {
        ObjectNode body = Json.object();
        body.put("code", code.code);
        body.put("message", getMessage());
        if (data == null) body.putNull("data");
        else body.set("data", data);
        return body;
    }

    static DeviceError invalid(String message) {
        return new DeviceError(DeviceCode.INVALID_PARAMS, message);
    }

    static DeviceError notFound(String message) {
        return new DeviceError(DeviceCode.NOT_FOUND, message);
    }
}
