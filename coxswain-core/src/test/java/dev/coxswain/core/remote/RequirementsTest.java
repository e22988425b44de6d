package dev.coxswain.core.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.store.WorkerStore.RemoteProfile;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequirementsTest {
    private static final String GPU_INFO = """
            {"worker_type": "gpu",
             "resources": {"properties": {"vram_gb": 24, "cpu_cores": "16", "label": "big"},
                           "devices": [{"id": "SER123", "type": "camera"}, {"id": "SER456"}]},
             "installed_software": {"python": "3.12", "cuda": "12.1"}}""";

    private static RemoteProfile worker(String id, String info) {
        return new RemoteProfile(id, Set.of("infer"), 0, info, null, true,
                Instant.parse("2030-01-01T00:00:00Z"), true);
    }

    private static final RemoteProfile GPU = worker("gpu1", GPU_INFO);
    private static final RemoteProfile BARE = worker("bare1", null);

    private static boolean met(String req, RemoteProfile w) {
        return Requirements.met(Json.read(req), w);
    }

    @Test
    void noRequirementsAreMetByEveryWorker() {
        assertThat(Requirements.met(null, BARE)).isTrue();
        assertThat(Requirements.met(NullNode.getInstance(), BARE)).isTrue();
        assertThat(met("{}", BARE)).isTrue();
    }

    @Test
    void workerIdAndWorkerTypeMustMatchExactly() {
        assertThat(met("{\"worker_id\":\"gpu1\"}", GPU)).isTrue();
        assertThat(met("{\"worker_id\":\"gpu2\"}", GPU)).isFalse();
        assertThat(met("{\"worker_id\":\"bare1\"}", BARE)).isTrue();
        assertThat(met("{\"worker_type\":\"gpu\"}", GPU)).isTrue();
        assertThat(met("{\"worker_type\":\"GPU\"}", GPU)).isFalse();
        assertThat(met("{\"worker_type\":\"gpu\"}", BARE)).isFalse();
    }

    @Test
    void resourcesAreMinimaOfTheReportedProperties() {
        assertThat(met("{\"resources\":{\"vram_gb\":24}}", GPU)).isTrue();
        assertThat(met("{\"resources\":{\"vram_gb\":16.5}}", GPU)).isTrue();
        assertThat(met("{\"resources\":{\"vram_gb\":24.01}}", GPU)).isFalse();
        assertThat(met("{\"resources\":{\"cpu_cores\":16}}", GPU)).as("a numeric string counts").isTrue();
        assertThat(met("{\"resources\":{\"cpu_cores\":17}}", GPU)).isFalse();
        assertThat(met("{\"resources\":{\"label\":1}}", GPU)).as("a non-numeric property never meets a minimum").isFalse();
        assertThat(met("{\"resources\":{\"ram_gb\":1}}", GPU)).as("an unreported property").isFalse();
        assertThat(met("{\"resources\":{\"vram_gb\":16,\"cpu_cores\":8}}", GPU)).isTrue();
        assertThat(met("{\"resources\":{\"vram_gb\":16,\"cpu_cores\":32}}", GPU)).isFalse();
        assertThat(met("{\"resources\":{\"vram_gb\":0}}", BARE)).isFalse();
    }

    @Test
    void softwareMustBeInstalledInTheVersionAskedForOrAnyWhenNull() {
        assertThat(met("{\"software\":{\"cuda\":\"12.1\"}}", GPU)).isTrue();
        assertThat(met("{\"software\":{\"cuda\":\"12.2\"}}", GPU)).isFalse();
        assertThat(met("{\"software\":{\"python\":null}}", GPU)).isTrue();
        assertThat(met("{\"software\":{\"ffmpeg\":null}}", GPU)).isFalse();
        assertThat(met("{\"software\":{\"cuda\":\"12.1\",\"python\":null}}", GPU)).isTrue();
        assertThat(met("{\"software\":{\"python\":null}}", BARE)).isFalse();
    }

    @Test
    void aDeviceIsFoundByItsSerialAmongTheReportedDevices() {
        assertThat(met("{\"device\":\"SER123\"}", GPU)).isTrue();
        assertThat(met("{\"device\":\"SER456\"}", GPU)).isTrue();
        assertThat(met("{\"device\":\"SER789\"}", GPU)).isFalse();
        assertThat(met("{\"device\":\"camera\"}", GPU)).as("the device's type is not its serial").isFalse();
        assertThat(met("{\"device\":\"SER123\"}", BARE)).isFalse();
    }

    @Test
    void everyRequirementMustBeMet() {
        String all = "{\"worker_id\":\"gpu1\",\"worker_type\":\"gpu\",\"resources\":{\"vram_gb\":8},"
                + "\"software\":{\"cuda\":\"12.1\"},\"device\":\"SER123\"}";
        assertThat(met(all, GPU)).isTrue();
        assertThat(met(all.replace("SER123", "SER999"), GPU)).isFalse();
        assertThat(met(all.replace("\"gpu1\"", "\"gpu2\""), GPU)).isFalse();
    }

    @Test
    void validRequirementsHaveNoProblem() {
        assertThat(Requirements.problem(null)).isNull();
        assertThat(Requirements.problem(NullNode.getInstance())).isNull();
        assertThat(Requirements.problem(Json.read("{}"))).isNull();
        assertThat(Requirements.problem(Json.read("{\"worker_id\":\"a\",\"worker_type\":\"gpu\",\"device\":\"S1\","
                + "\"resources\":{\"vram_gb\":8,\"cpu\":0.5},\"software\":{\"cuda\":\"12\",\"python\":null}}"))).isNull();
    }

    @Test
    void malformedRequirementsAreNamedAndNeverMet() {
        assertProblem("[]", "must be an object");
        assertProblem("\"gpu\"", "must be an object");
        assertProblem("{\"gpu\":true}", "unknown requirement 'gpu'");
        assertProblem("{\"worker_id\":7}", "worker_id must be a string");
        assertProblem("{\"worker_type\":null}", "worker_type must be a string");
        assertProblem("{\"device\":[\"S1\"]}", "device must be a string");
        assertProblem("{\"resources\":[1]}", "resources must be an object of minimum numbers");
        assertProblem("{\"resources\":{\"vram_gb\":\"8\"}}", "resources must be an object of minimum numbers");
        assertProblem("{\"software\":\"cuda\"}", "software must be an object");
        assertProblem("{\"software\":{\"cuda\":12}}", "software must be an object");
    }

    private static void assertProblem(String req, String expected) {
        JsonNode r = Json.read(req);
        assertThat(Requirements.problem(r)).as(req).contains(expected);
        assertThat(Requirements.met(r, GPU)).as(req + " is never met").isFalse();
    }
}
