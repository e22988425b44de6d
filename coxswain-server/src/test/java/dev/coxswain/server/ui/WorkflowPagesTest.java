package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.JobStatus;
import dev.coxswain.core.workflow.NewJob;
import dev.coxswain.core.workflow.WorkflowService;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /ui/workflows} through real HTTP: blueprints drawn, jobs with their history, decisions and cancel. */
class WorkflowPagesTest {
    static final String APPROVAL = """
            {"name": "approve", "description": "<script>alert(1)</script> sign-off",
             "states": {
              "ask": {"start": true, "type": "approval", "message": "ok {{ initial_data.who }}?",
                      "transitions": {"approved": "finished", "rejected": "failed"}},
              "finished": {"type": "end"},
              "failed": {"type": "end", "outcome": "failed"}}}""";
    static final String PIPELINE = """
            {"name": "pipeline", "api_endpoint": "/jobs/pipeline",
             "states": {
              "resize": {"start": true, "type": "dispatch", "skill": "resize", "retries": 0,
                         "transitions": {"success": "review", "too_big": "failed"}},
              "review": {"type": "sub_blueprint", "blueprint": "approve", "transitions": {"success": "done", "failure": "failed"}},
              "done": {"type": "end"},
              "failed": {"type": "end", "outcome": "failed"}}}""";

    @TempDir
    static Path dir;
    static UiServer srv;
    static WorkflowService wf;

    @BeforeAll
    static void start() {
        srv = new UiServer(dir, Clock.systemUTC());
        wf = srv.server.engine().workflows();
        wf.register(APPROVAL, "json", "test");
        wf.register(PIPELINE, "json", "test");
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    static Job approval(String owner, String who) {
        return wf.create("approve", new NewJob(owner, Json.object().put("who", who), null, null, null, null));
    }

    @Test
    void theOverviewListsBlueprintsAndRecentJobs() {
        Job j = approval("key:1", "bob");
        UiClient c = srv.admin();
        UiClient.Page p = c.get("/ui/workflows");
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).contains("href=\"/ui/workflows\" aria-current=\"page\"")
                .contains("href=\"/ui/workflows/blueprints/pipeline\"").contains("POST /api/v1/jobs/pipeline")
                .contains("href=\"/ui/workflows/jobs/" + j.id() + "\"").contains("waiting_for_human")
                .contains("hx-get=\"/ui/workflows/jobs\"").contains("hx-trigger=\"every 5s\"")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; sign-off").doesNotContain("<script>alert(1)");
        UiClient.Page filtered = c.get("/ui/workflows?status=finished");
        assertThat(filtered.body()).doesNotContain("href=\"/ui/workflows/jobs/" + j.id() + "\"")
                .contains("value=\"finished\" selected");
        UiClient.Page fragment = c.get("/ui/workflows/jobs?status=waiting_for_human", Map.of("HX-Request", "true"));
        assertThat(fragment.status()).isEqualTo(200);
        assertThat(fragment.body()).doesNotContain("<html").contains("id=\"workflow-jobs\"").contains(j.id());
        assertThat(c.get("/ui/workflows?status=sleeping").status()).isEqualTo(400);
    }

    @Test
    void aBlueprintsStateMachineIsDrawnWithLabelledTransitions() {
        UiClient c = srv.admin();
        UiClient.Page p = c.get("/ui/workflows/blueprints/pipeline");
        assertThat(p.status()).isEqualTo(200);
        String body = p.body();
        assertThat(body).contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" id=\"blueprint-graph\"")
                .contains("class=\"graph-node kind-dispatch kind-start\"").contains("class=\"graph-node kind-sub_blueprint\"")
                .contains("class=\"graph-edge-label\"").contains(">success</text>").contains(">too_big</text>")
                .contains("resize → review (success)")
                // the sub-blueprint's box links to it
                .contains("href=\"/ui/workflows/blueprints/approve\"")
                .contains("dispatch to skill resize").contains("success → review").contains("<strong>v1</strong> (shown)");
        assertThat(body).doesNotContain("style=").doesNotContain(" onclick");
        assertThat(c.get("/ui/workflows/blueprints/approve?version=1").status()).isEqualTo(200);
        assertThat(c.get("/ui/workflows/blueprints/approve?version=7").status()).isEqualTo(404);
        assertThat(c.get("/ui/workflows/blueprints/approve?version=x").status()).isEqualTo(400);
        assertThat(c.get("/ui/workflows/blueprints/nothing-here").status()).isEqualTo(404);
        assertThat(c.get("/ui/workflows/blueprints/bad%20name").status()).isEqualTo(404);
    }

    @Test
    void aJobWaitingForApprovalIsDecidedFromItsPage() {
        Job j = wf.create("approve", new NewJob("key:1", Json.read("{\"who\": \"<script>alert(1)</script>\"}"), null, null,
                null, null));
        UiClient c = srv.admin();
        UiClient.Page p = c.get("/ui/workflows/jobs/" + j.id());
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).contains("Waiting for a decision").contains("value=\"approved\"").contains("value=\"rejected\"")
                .contains("action=\"/ui/workflows/jobs/" + j.id() + "/cancel\"").contains("id=\"job-graph\"")
                .contains("class=\"graph-node status-waiting_for_human is-current\"").contains("job_created")
                .contains("hx-get=\"/ui/workflows/jobs/" + j.id() + "/live\"")
                // the message and the initial data: text, in tables
                .contains("ok &lt;script&gt;alert(1)&lt;/script&gt;?").contains("<table class=\"json json-kv\">")
                .doesNotContain("<script>alert(1)");
        UiClient.Page wrong = c.post("/ui/workflows/jobs/" + j.id() + "/decision", Map.of("decision", "maybe"));
        assertThat(wrong.status()).isEqualTo(400);
        c.get("/ui/workflows/jobs/" + j.id());
        UiClient.Page ok = c.post("/ui/workflows/jobs/" + j.id() + "/decision", Map.of("decision", "approved"));
        assertThat(ok.status()).isEqualTo(303);
        assertThat(ok.location()).isEqualTo("/ui/workflows/jobs/" + j.id());
        assertThat(wf.get(j.id()).status()).isEqualTo(JobStatus.FINISHED);
        UiClient.Page after = c.get(ok.location());
        assertThat(after.body()).contains("decision 'approved' recorded").contains("status-finished")
                // the end it reached is drawn as the job ended, the approval as passed through
                .contains("class=\"graph-node status-finished is-current\"").contains("class=\"graph-node status-completed\"")
                .doesNotContain("value=\"rejected\"").doesNotContain("/cancel\"").doesNotContain("hx-get=\"/ui/workflows/jobs/" + j.id());
        // Ended: deciding again is the service's conflict.
        assertThat(c.post("/ui/workflows/jobs/" + j.id() + "/decision", Map.of("decision", "rejected")).status()).isEqualTo(409);
    }

    @Test
    void aJobCanBeCancelledOnce() {
        Job j = approval("key:1", "carol");
        UiClient c = srv.admin();
        c.get("/ui/workflows/jobs/" + j.id());
        UiClient.Page p = c.post("/ui/workflows/jobs/" + j.id() + "/cancel", Map.of());
        assertThat(p.status()).isEqualTo(303);
        assertThat(wf.get(j.id()).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(c.get("/ui/workflows/jobs/" + j.id()).body()).contains("cancelled");
        assertThat(c.post("/ui/workflows/jobs/" + j.id() + "/cancel", Map.of()).status()).isEqualTo(409);
    }

    @Test
    void aReadOnlyKeySeesItsOwnJobsWithoutButtonsAndCannotPost() {
        String secret = srv.key("wf-reader", Set.of(Scopes.READ));
        long keyId = srv.server.engine().apiKeys().list().stream().filter(k -> k.name().equals("wf-reader")).findFirst()
                .orElseThrow().id();
        Job mine = approval("key:" + keyId, "dave");
        Job theirs = approval("key:1", "erin");
        UiClient c = srv.client();
        c.signIn(secret);
        UiClient.Page list = c.get("/ui/workflows");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains(mine.id()).doesNotContain(theirs.id()).contains("(the ones you started)")
                .doesNotContain("href=\"/ui/keys\"").doesNotContain("href=\"/ui/webhooks\"");
        UiClient.Page page = c.get("/ui/workflows/jobs/" + mine.id());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Waiting for a decision").contains("may not decide")
                .doesNotContain("/decision\"").doesNotContain("/cancel\"");
        assertThat(c.post("/ui/workflows/jobs/" + mine.id() + "/decision", Map.of("decision", "approved")).status()).isEqualTo(403);
        assertThat(c.post("/ui/workflows/jobs/" + mine.id() + "/cancel", Map.of()).status()).isEqualTo(403);
        assertThat(wf.get(mine.id()).status()).isEqualTo(JobStatus.WAITING_FOR_HUMAN);
        // Another's job is not there at all (as the API: 404, so ids cannot be probed).
        assertThat(c.get("/ui/workflows/jobs/" + theirs.id()).status()).isEqualTo(404);
        // The key pages are not for it.
        assertThat(c.get("/ui/keys").status()).isEqualTo(403);
    }

    @Test
    void aWriterMayDecideItsOwnJobButNotAnothers() {
        String secret = srv.key("wf-writer", Set.of(Scopes.READ, Scopes.TASKS_WRITE));
        long keyId = srv.server.engine().apiKeys().list().stream().filter(k -> k.name().equals("wf-writer")).findFirst()
                .orElseThrow().id();
        Job mine = approval("key:" + keyId, "frank");
        Job theirs = approval("key:1", "gina");
        UiClient c = srv.client();
        c.signIn(secret);
        assertThat(c.get("/ui/workflows/jobs/" + mine.id()).body()).contains("value=\"rejected\"");
        UiClient.Page no = c.post("/ui/workflows/jobs/" + mine.id() + "/decision", Map.of("decision", "rejected"));
        assertThat(no.status()).isEqualTo(303);
        assertThat(wf.get(mine.id()).status()).isEqualTo(JobStatus.FAILED);
        c.get("/ui/workflows");
        assertThat(c.post("/ui/workflows/jobs/" + theirs.id() + "/cancel", Map.of()).status()).isEqualTo(404);
        assertThat(wf.get(theirs.id()).status()).isEqualTo(JobStatus.WAITING_FOR_HUMAN);
    }

    @Test
    void formsWithoutCsrfAndUnknownJobsAreRefused() {
        Job j = approval("key:1", "hal");
        UiClient c = srv.admin();
        c.get("/ui/workflows/jobs/" + j.id());
        assertThat(c.postRaw("/ui/workflows/jobs/" + j.id() + "/cancel", Map.of(), Map.of()).status()).isEqualTo(403);
        assertThat(c.postRaw("/ui/workflows/jobs/" + j.id() + "/decision", Map.of("decision", "approved"), Map.of()).status())
                .isEqualTo(403);
        assertThat(wf.get(j.id()).status()).isEqualTo(JobStatus.WAITING_FOR_HUMAN);
        assertThat(c.get("/ui/workflows/jobs/00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
        assertThat(c.get("/ui/workflows/jobs/not-a-uuid").status()).isEqualTo(404);
        assertThat(c.post("/ui/workflows/jobs/00000000-0000-0000-0000-000000000000/cancel", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void theLiveFragmentIsTheJobsBodyAlone() {
        Job j = approval("key:1", "ivy");
        UiClient c = srv.admin();
        UiClient.Page live = c.get("/ui/workflows/jobs/" + j.id() + "/live", Map.of("HX-Request", "true"));
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.body()).startsWith("<div id=\"job-body\"").doesNotContain("<html").contains("Waiting for a decision");
    }
}
