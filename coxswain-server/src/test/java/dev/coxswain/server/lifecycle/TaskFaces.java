package dev.coxswain.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.server.ui.NativeApi;
import dev.coxswain.server.ui.UiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the server shows of one task's life, written into a transcript: the native task,
 * its log (whole, page by page, by level), the dashboard's task page (fields, log, dependencies,
 * attempts) and its log stream. The pages are also checked
 * against the whole list here, so a paging fault is named even before the golden diff.
 */
final class TaskFaces {
    /** The log filters a client can ask for: none, then each level. */
    private static final List<String> FILTERS = List.of("", "level=info&", "level=warn&", "level=error&", "level=debug&");
    /** The dashboard's part of the task page: from the crumbs to the end of the page's content. */
    private static final Pattern CONTENT = Pattern.compile("(<p class=\"crumbs\">.*?)</main>", Pattern.DOTALL);
    private static final Pattern CSRF = Pattern.compile("(name=\"_csrf\" value=\")[^\"]*\"");

    private final NativeApi api;
    private final UiClient ui;

    TaskFaces(NativeApi api, UiClient ui) {
        this.api = api;
        this.ui = ui;
    }

    void capture(Transcript t, String id) {
        t.section("GET /api/tasks/" + id);
        t.json(api.envelope("GET", "/api/tasks/" + id, null));
        logs(t, id);
        page(t, id);
        stream(t, id);
    }

    private void logs(Transcript t, String id) {
        String path = "/api/tasks/" + id + "/logs";
        listed(t, path);
        for (String filter : FILTERS) {
            JsonNode whole = listed(t, path + "?" + filter + "limit=1000");
            long total = whole.path("meta").path("total").asLong();
            List<JsonNode> paged = new ArrayList<>();
            // One past the end too: an empty page that still tells the total.
            for (long offset = 0; offset <= total; offset++) {
                JsonNode page = listed(t, path + "?" + filter + "limit=1&offset=" + offset);
                assertThat(page.path("meta").path("total").asLong()).as("total of %s page %d", path + "?" + filter, offset)
                        .isEqualTo(total);
                page.path("data").forEach(paged::add);
            }
            List<JsonNode> all = new ArrayList<>();
            whole.path("data").forEach(all::add);
            assertThat(paged).as("pages of one line of %s, put together", path + "?" + filter).isEqualTo(all);
        }
        // Pages of two from an odd offset: a boundary between the lifecycle lines and the output.
        listed(t, path + "?limit=2&offset=1");
        listed(t, path + "?limit=2&offset=3");
    }

    private JsonNode listed(Transcript t, String path) {
        JsonNode r = api.envelope("GET", path, null);
        t.section("GET " + path);
        t.list(r);
        return r;
    }

    private void page(Transcript t, String id) {
        UiClient.Page p = ui.get("/ui/tasks/" + id);
        assertThat(p.status()).as("dashboard page of %s", id).isEqualTo(200);
        Matcher m = CONTENT.matcher(p.body());
        assertThat(m.find()).as("task page content of %s", id).isTrue();
        t.section("GET /ui/tasks/" + id + " (the page's content)");
        t.line(CSRF.matcher(m.group(1)).replaceAll("$1<csrf>\""));
    }

    private void stream(Transcript t, String id) {
        UiClient.Page p = ui.get("/ui/tasks/" + id + "/log/stream");
        assertThat(p.status()).as("log stream of %s", id).isEqualTo(200);
        t.section("GET /ui/tasks/" + id + "/log/stream");
        t.line(p.body());
    }
}
