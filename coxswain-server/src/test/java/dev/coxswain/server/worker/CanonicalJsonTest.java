package dev.coxswain.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replay worker's canonical JSON and signatures against what the real SDK sent: the request
 * bodies of avtomatika-sdk-transcript.md (worker {@code bar-worker-1}, master token
 * {@code secret-token}, a throw-away token of that recording). Each body re-serialised must give
 * the very bytes the SDK sent (same length as its Content-Length) and the same signature.
 */
class CanonicalJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SDK_TOKEN = "secret-token";

    /** Transcript request #n: whether it is an event, its Content-Length, its body (compact). */
    record Vector(int n, boolean event, int contentLength, String body) {
    }

    static final List<Vector> VECTORS = List.of(
            new Vector(3, false, 1178,
                    "{\"available_skills\":[\"echo\",\"sleep\",\"fail\",\"progress\"],\"capabilities\":{\"cost_per_skill\":{},\"extra\":{" +
                    "\"websockets\":false},\"hostname\":\"vm\",\"ip_address\":\"127.0.0.1\"},\"installed_artifacts\":[],\"installed_so" +
                    "ftware\":{\"python\":\"3.11\"},\"resources\":{\"properties\":{\"cpu_cores\":4,\"ram_gb\":0}},\"security\":{\"signatu" +
                    "re\":\"24a19da364ed8e3000bccc060ff40330968788ffa36977938045097b8256b8c3\",\"signer_id\":\"bar-worker-1\"},\"" +
                    "skills_hash\":\"30ce97b506e11ec204ae794e929c903d621d82905472f5f4fe25cca30e2bbab3\",\"supported_skills\":[" +
                    "{\"description\":\"Returns its params unchanged.\",\"input_schema\":{\"type\":\"object\"},\"name\":\"echo\",\"type\"" +
                    ":\"echo\"},{\"description\":\"Sleeps params.seconds; cancellation (heartbeat cancel_task_ids or WS cancel" +
                    "_task) aborts it.\",\"input_schema\":{\"type\":\"object\"},\"name\":\"sleep\",\"type\":\"sleep\"},{\"description\":\"F" +
                    "ails: transient (default), permanent or invalid-input, per params.mode.\",\"input_schema\":{\"type\":\"obj" +
                    "ect\"},\"name\":\"fail\",\"type\":\"fail\"},{\"description\":\"Sends params.steps progress events (progress in 0" +
                    "..1) then succeeds.\",\"input_schema\":{\"type\":\"object\"},\"name\":\"progress\",\"type\":\"progress\"}],\"timesta" +
                    "mp\":1796509207,\"worker_id\":\"bar-worker-1\",\"worker_type\":\"coxswain-bar-worker\"}"),
            new Vector(4, false, 387,
                    "{\"available_skills\":[\"echo\",\"sleep\",\"fail\",\"progress\"],\"current_tasks\":[],\"security\":{\"signature\":\"3" +
                    "b115854b0ef552cb3043cece172ac3902fb62b73c9c82f5073e11ee4847b6f3\",\"signer_id\":\"bar-worker-1\"},\"skills" +
                    "_hash\":\"30ce97b506e11ec204ae794e929c903d621d82905472f5f4fe25cca30e2bbab3\",\"status\":\"idle\",\"timestamp" +
                    "\":1796509207,\"usage\":{\"cpu_load_percent\":0,\"ram_used_gb\":0},\"worker_id\":\"bar-worker-1\"}"),
            new Vector(10, false, 405,
                    "{\"costs\":{\"execution_time_seconds\":0.0015},\"data\":{\"message\":\"hello\",\"n\":42,\"nested\":{\"a\":[1,2,3]}}," +
                    "\"job_id\":\"d65d2415-2987-4e0c-9915-c0159f21720d\",\"origin_worker_id\":\"bar-worker-1\",\"security\":{\"signa" +
                    "ture\":\"61a14ddb0326c9d0d7ff6c5a9b4c5e13cede540bce180e369d5da1b9dc26614c\",\"signer_id\":\"bar-worker-1\"}" +
                    ",\"task_id\":\"task-7b3c6b75-3856-49c4-9621-0f0f93d5fde3\",\"timestamp\":1796509208,\"worker_id\":\"bar-worke" +
                    "r-1\"}"),
            new Vector(12, true, 555,
                    "{\"bubbling_chain\":[],\"event_id\":\"183920bb-f707-4505-95a3-1efa5efb2947\",\"event_type\":\"progress\",\"orig" +
                    "in_task_id\":\"task-80136404-6188-4367-8e22-ed0fa8301d71\",\"origin_worker_id\":\"bar-worker-1\",\"payload\":" +
                    "{\"message\":\"step 1/2\",\"progress\":0.5},\"priority\":0,\"security\":{\"signature\":\"5ecd559dc4f4868d6d4f0e3a" +
                    "04ecb4993f1a860380e534e886219783abce5782\",\"signer_id\":\"bar-worker-1\"},\"target_job_id\":\"8b8094af-2f1c" +
                    "-42ef-b9e2-1a2a8ac66509\",\"target_task_id\":\"task-80136404-6188-4367-8e22-ed0fa8301d71\",\"timestamp\":17" +
                    "96509208,\"trace_context\":{},\"worker_id\":\"bar-worker-1\"}"),
            new Vector(13, true, 553,
                    "{\"bubbling_chain\":[],\"event_id\":\"6100285f-e2e5-4a21-bbdf-907074f6ba31\",\"event_type\":\"progress\",\"orig" +
                    "in_task_id\":\"task-80136404-6188-4367-8e22-ed0fa8301d71\",\"origin_worker_id\":\"bar-worker-1\",\"payload\":" +
                    "{\"message\":\"step 2/2\",\"progress\":1},\"priority\":0,\"security\":{\"signature\":\"261fe05dee4e73361feeb72b30" +
                    "6a1a10d61faab97ef58bc329233e488c4ad477\",\"signer_id\":\"bar-worker-1\"},\"target_job_id\":\"8b8094af-2f1c-4" +
                    "2ef-b9e2-1a2a8ac66509\",\"target_task_id\":\"task-80136404-6188-4367-8e22-ed0fa8301d71\",\"timestamp\":1796" +
                    "509208,\"trace_context\":{},\"worker_id\":\"bar-worker-1\"}"),
            new Vector(14, false, 366,
                    "{\"costs\":{\"execution_time_seconds\":0.205},\"data\":{\"steps\":2},\"job_id\":\"8b8094af-2f1c-42ef-b9e2-1a2a8" +
                    "ac66509\",\"origin_worker_id\":\"bar-worker-1\",\"security\":{\"signature\":\"01e3d3e25c104e72d19e96c15366d72f" +
                    "0e4c44b565cee14c6d55614701022a8e\",\"signer_id\":\"bar-worker-1\"},\"task_id\":\"task-80136404-6188-4367-8e2" +
                    "2-ed0fa8301d71\",\"timestamp\":1796509208,\"worker_id\":\"bar-worker-1\"}"),
            new Vector(16, false, 377,
                    "{\"error\":{\"code\":\"TRANSIENT_ERROR\",\"message\":\"boom\"},\"job_id\":\"494c61de-fb03-4150-879e-47738a4d72e4\"" +
                    ",\"origin_worker_id\":\"bar-worker-1\",\"security\":{\"signature\":\"3cff132ad4fc953f609a6fc6fa0a9d44fad9ca62" +
                    "b41c3d33e9c6f2cc14d7695c\",\"signer_id\":\"bar-worker-1\"},\"status\":\"failure\",\"task_id\":\"task-5b55595b-f0" +
                    "d1-4056-a168-ec062a6be9f9\",\"timestamp\":1796509208,\"worker_id\":\"bar-worker-1\"}"),
            new Vector(18, false, 995,
                    "{\"available_skills\":[\"echo\",\"sleep\",\"fail\",\"progress\"],\"current_tasks\":[\"task-2794d2a4-98b1-4046-aec" +
                    "6-874baaaac21d\"],\"security\":{\"signature\":\"af6218e1dc1c2418deda1b211e3e0698e7bb33edb25eac43cd0e4cda17" +
                    "852d0e\",\"signer_id\":\"bar-worker-1\"},\"skills_hash\":\"30ce97b506e11ec204ae794e929c903d621d82905472f5f4f" +
                    "e25cca30e2bbab3\",\"status\":\"idle\",\"supported_skills\":[{\"description\":\"Returns its params unchanged.\"," +
                    "\"input_schema\":{\"type\":\"object\"},\"name\":\"echo\",\"type\":\"echo\"},{\"description\":\"Sleeps params.seconds;" +
                    " cancellation (heartbeat cancel_task_ids or WS cancel_task) aborts it.\",\"input_schema\":{\"type\":\"obje" +
                    "ct\"},\"name\":\"sleep\",\"type\":\"sleep\"},{\"description\":\"Fails: transient (default), permanent or invalid" +
                    "-input, per params.mode.\",\"input_schema\":{\"type\":\"object\"},\"name\":\"fail\",\"type\":\"fail\"},{\"descriptio" +
                    "n\":\"Sends params.steps progress events (progress in 0..1) then succeeds.\",\"input_schema\":{\"type\":\"ob" +
                    "ject\"},\"name\":\"progress\",\"type\":\"progress\"}],\"timestamp\":1796509209,\"worker_id\":\"bar-worker-1\"}"),
            new Vector(19, false, 327,
                    "{\"job_id\":\"52af4547-977a-4c4d-ba95-5daa42ad5f93\",\"origin_worker_id\":\"bar-worker-1\",\"security\":{\"sign" +
                    "ature\":\"4def8b78d44e6ba816453a4efbaab655f2d8a8de97f19a55f2be0558dec28749\",\"signer_id\":\"bar-worker-1\"" +
                    "},\"status\":\"cancelled\",\"task_id\":\"task-2794d2a4-98b1-4046-aec6-874baaaac21d\",\"timestamp\":1796509209," +
                    "\"worker_id\":\"bar-worker-1\"}"),
            new Vector(21, false, 369,
                    "{\"error\":{\"code\":\"PERMANENT_ERROR\",\"message\":\"Unsupported skill: nosuchskill\"},\"job_id\":\"fcf78445-37" +
                    "03-4a8f-a082-06ca9869fa44\",\"security\":{\"signature\":\"68e81aa956683a46193df08154f4e50e35e41e1deb834d0e" +
                    "d6ef5088f2b50127\",\"signer_id\":\"bar-worker-1\"},\"status\":\"failure\",\"task_id\":\"task-78214ede-e1e7-461c-" +
                    "8b35-e12589de64d1\",\"timestamp\":1796509209,\"worker_id\":\"bar-worker-1\"}"),
            new Vector(32, false, 358,
                    "{\"current_tasks\":[],\"security\":{\"signature\":\"9168ea577e1d4b0caeba5305b0b465d664c426b62ee1cd1ec300a0c" +
                    "0d7eef009\",\"signer_id\":\"bar-worker-1\"},\"skills_hash\":\"30ce97b506e11ec204ae794e929c903d621d82905472f5" +
                    "f4fe25cca30e2bbab3\",\"status\":\"offline\",\"supported_skills\":[],\"timestamp\":1796509223,\"usage\":{\"cpu_lo" +
                    "ad_percent\":0,\"ram_used_gb\":0},\"worker_id\":\"bar-worker-1\"}")
    );

    @Test
    void reSerialisingTheSdkBodiesGivesTheirExactBytes() throws Exception {
        for (Vector v : VECTORS) {
            String again = CanonicalJson.write(JSON.readTree(v.body()));
            assertThat(again).as("transcript #%d", v.n()).isEqualTo(v.body());
            assertThat(again.getBytes(StandardCharsets.UTF_8)).as("transcript #%d Content-Length", v.n()).hasSize(v.contentLength());
        }
    }

    @Test
    void signaturesMatchTheSdks() throws Exception {
        for (Vector v : VECTORS) {
            ObjectNode body = (ObjectNode) JSON.readTree(v.body());
            String sdk = body.path("security").path("signature").asText();
            assertThat(CanonicalJson.signature(body, SDK_TOKEN, v.event())).as("transcript #%d", v.n()).isEqualTo(sdk);
            assertThat(body.path("security").path("signer_id").asText()).isEqualTo("bar-worker-1");
        }
    }

    @Test
    void signingAnUnsignedBodyReproducesTheWireBytes() throws Exception {
        for (Vector v : VECTORS) {
            ObjectNode body = (ObjectNode) JSON.readTree(v.body());
            body.remove("security");
            ObjectNode signed = CanonicalJson.signed(body, "bar-worker-1", SDK_TOKEN, v.event());
            assertThat(CanonicalJson.write(signed)).as("transcript #%d", v.n()).isEqualTo(v.body());
        }
    }

    @Test
    void eventSignaturesLeaveTheBubblingChainOut() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(VECTORS.stream().filter(Vector::event).findFirst().orElseThrow().body());
        String before = CanonicalJson.signature(event, SDK_TOKEN, true);
        event.putArray("bubbling_chain").add("relay-1");
        assertThat(CanonicalJson.signature(event, SDK_TOKEN, true)).isEqualTo(before);
        assertThat(CanonicalJson.signature(event, SDK_TOKEN, false)).isNotEqualTo(before);
    }

    @Test
    void floatsAreWrittenLikePython() {
        assertThat(CanonicalJson.pythonFloat(0.0015)).isEqualTo("0.0015");
        assertThat(CanonicalJson.pythonFloat(0.205)).isEqualTo("0.205");
        assertThat(CanonicalJson.pythonFloat(0.5)).isEqualTo("0.5");
        assertThat(CanonicalJson.pythonFloat(1.0)).isEqualTo("1");
        assertThat(CanonicalJson.pythonFloat(-0.0)).isEqualTo("0");
        assertThat(CanonicalJson.pythonFloat(0.0001)).isEqualTo("0.0001");
        assertThat(CanonicalJson.pythonFloat(1e-7)).isEqualTo("1e-07");
        assertThat(CanonicalJson.pythonFloat(-1.2345e-5)).isEqualTo("-1.2345e-05");
        assertThat(CanonicalJson.pythonFloat(123.456)).isEqualTo("123.456");
        assertThat(CanonicalJson.pythonFloat(1e16)).isEqualTo("10000000000000000");
        assertThat(CanonicalJson.pythonFloat(1.5e300)).startsWith("15").doesNotContain("e").doesNotContain(".");
    }

    @Test
    void nullsAreDroppedKeysSortedAndTextLeftUnescaped() throws Exception {
        String in = "{\"b\":{\"z\":1,\"a\":null,\"m\":[null,2.0,{\"y\":null,\"x\":\"é\\n\\u0001\"}]},\"a\":true,\"c\":null}";
        assertThat(CanonicalJson.write(JSON.readTree(in)))
                .isEqualTo("{\"a\":true,\"b\":{\"m\":[null,2,{\"x\":\"é\\n\\u0001\"}],\"z\":1}}");
    }
}
