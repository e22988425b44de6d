package dev.coxswain.server.ui.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.coxswain.server.ui.UiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every page of the dashboard at desktop (1280×800) and phone (390×844) width, with some data so
 * lists have rows and the overview's charts draw: a full-page screenshot of each in
 * {@code target/screenshots/}, and the accessibility and layout smoke checks of {@link PageChecks}
 * (one h1, labelled controls, AA contrast, nothing wider than a phone). Screenshots are taken
 * before the checks, so a failing page can still be looked at.
 */
class DashboardScreenshotsTest extends BrowserTestCase {
    /** Signed-in cookies per width: the class signs in once per width, not once per page. */
    static final Map<BrowserSupport.Viewport, String> session = new EnumMap<>(BrowserSupport.Viewport.class);
    static final Map<String, String> ids = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void someData() {
        TestData.fill(api, srv.server.engine().database(), ids);
        TestData.fillAdmin(srv.server.engine(), ids);
    }

    /** The screenshots the README shows, copied to {@code docs/screenshots/} when asked (see {@link #copyForDocs}). */
    static final List<String> FOR_DOCS = List.of("overview-desktop", "task-desktop", "tasks-phone", "sign-in-desktop");

    /**
     * With {@code -Dcoxswain.screenshots.docs=<dir>} (e.g. {@code ../docs/screenshots}) the key
     * screenshots are copied there after the run: how the README's pictures are refreshed.
     */
    @AfterAll
    static void copyForDocs() throws java.io.IOException {
        String to = System.getProperty("coxswain.screenshots.docs");
        if (to == null || to.isBlank()) return;
        Path dir = Path.of(to);
        Files.createDirectories(dir);
        for (String name : FOR_DOCS) {
            Path from = BrowserSupport.screenshotDir().resolve(name + ".png");
            if (!Files.exists(from)) continue;
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(from.toFile());
            // A phone shot in the README is what the phone's screen shows, not the whole scrolled page.
            int height = name.endsWith("-phone") ? Math.min(img.getHeight(), BrowserSupport.Viewport.PHONE.height) : img.getHeight();
            javax.imageio.ImageIO.write(img.getSubimage(0, 0, img.getWidth(), height), "png", dir.resolve(name + ".png").toFile());
        }
    }

    static Stream<Arguments> pages() {
        return Stream.of(
                Arguments.of("overview", "/ui"),
                Arguments.of("tasks", "/ui/tasks"),
                Arguments.of("task", "/ui/tasks/{logged}"),
                Arguments.of("task-failed", "/ui/tasks/{failed}"),
                Arguments.of("task-new", "/ui/tasks/new"),
                Arguments.of("schedules", "/ui/schedules"),
                Arguments.of("schedule", "/ui/schedules/{schedule}"),
                Arguments.of("workers", "/ui/workers"),
                Arguments.of("worker", "/ui/workers/worker-ui"),
                Arguments.of("devices", "/ui/devices"),
                Arguments.of("workflows", "/ui/workflows"),
                Arguments.of("blueprint", "/ui/workflows/blueprints/image-pipeline"),
                Arguments.of("job", "/ui/workflows/jobs/{job}"),
                Arguments.of("connections", "/ui/connections"),
                Arguments.of("keys", "/ui/keys"),
                Arguments.of("webhooks", "/ui/webhooks"),
                Arguments.of("webhook", "/ui/webhooks/{webhook}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void page(String name, String path) {
        List<String> problems = new ArrayList<>();
        for (BrowserSupport.Viewport v : BrowserSupport.Viewport.values()) {
            BrowserSupport.Tab t = signedIn(v);
            Page p = t.go(TestData.expand(path, ids));
            assertThat(p.url()).as("no redirect away from " + path).doesNotContain("/ui/sign-in");
            settle(p);
            Path file = t.screenshot(name);
            assertThat(file).exists();
            PageChecks.all(p, v).forEach(s -> problems.add(v.suffix + ": " + s));
        }
        assertThat(problems).as("accessibility and layout of " + path).isEmpty();
    }

    @Test
    void signIn() throws Exception {
        List<String> problems = new ArrayList<>();
        for (BrowserSupport.Viewport v : BrowserSupport.Viewport.values()) {
            BrowserSupport.Tab t = open(v);
            Page p = t.go("/ui/sign-in");
            assertThat(Files.size(t.screenshot("sign-in"))).isPositive();
            PageChecks.all(p, v).forEach(s -> problems.add(v.suffix + ": " + s));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theFirstTabFocusesTheSkipLinkWhichLeadsToTheContent() {
        BrowserSupport.Tab t = signedIn(BrowserSupport.Viewport.DESKTOP);
        Page p = t.go("/ui");
        p.keyboard().press("Tab");
        assertThat(p.evaluate("document.activeElement.className")).isEqualTo("skip");
        assertThat(p.evaluate("document.activeElement.getAttribute('href')")).isEqualTo("#main");
        // Visible while focused (it hides off-screen otherwise).
        assertThat(((Number) p.evaluate("document.activeElement.getBoundingClientRect().left")).doubleValue()).isGreaterThanOrEqualTo(0);
        // The next stops are the brand and the nav's links, in order, all reachable without a mouse.
        List<String> stops = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            p.keyboard().press("Tab");
            stops.add((String) p.evaluate("document.activeElement.textContent.trim()"));
        }
        assertThat(stops).containsExactly("Coxswain", "Overview", "Tasks", "Schedules");
    }

    /** The checks find what they look for: a page that passes them is not passing by accident. */
    @Test
    void theChecksSeeAnUnlabelledFieldASecondH1FaintTextAndAWideBox() {
        BrowserSupport.Tab t = signedIn(BrowserSupport.Viewport.PHONE);
        Page p = t.go("/ui/workers");
        assertThat(PageChecks.structure(p)).isEmpty();
        assertThat(PageChecks.contrast(p)).isEmpty();
        assertThat(PageChecks.overflow(p)).isEmpty();
        // Built with DOM calls and classes, not style attributes: the CSP would refuse those.
        p.evaluate("""
                () => {
                  const main = document.querySelector('main');
                  const h = document.createElement('h1'); h.textContent = 'Second'; main.appendChild(h);
                  const i = document.createElement('input'); i.type = 'text'; i.name = 'q'; main.appendChild(i);
                  const faint = document.createElement('p'); faint.textContent = 'barely there'; main.appendChild(faint);
                  faint.animate([{color: '#c8c8c8'}, {color: '#c8c8c8'}], {duration: 100000, fill: 'forwards'});
                  const wide = document.createElement('pre'); wide.className = 'no-wrap-test';
                  wide.textContent = 'x'.repeat(400); main.appendChild(wide);
                  wide.animate([{whiteSpace: 'pre', overflow: 'visible', maxHeight: 'none', display: 'inline-block'},
                                {whiteSpace: 'pre', overflow: 'visible', maxHeight: 'none', display: 'inline-block'}],
                               {duration: 100000, fill: 'forwards'});
                }""");
        assertThat(PageChecks.structure(p)).anySatisfy(x -> assertThat(x).contains("2 h1 elements"))
                .anySatisfy(x -> assertThat(x).contains("form control without a label").contains("name=\"q\""));
        assertThat(PageChecks.contrast(p)).anySatisfy(x -> assertThat(x).contains("barely there"));
        assertThat(PageChecks.overflow(p)).isNotEmpty();
    }

    /** A signed-in context at this width (the first call signs in through the form). */
    BrowserSupport.Tab signedIn(BrowserSupport.Viewport v) {
        String state = session.get(v);
        if (state == null) {
            BrowserSupport.Tab t = open(v);
            t.signIn(UiServer.ADMIN);
            state = t.storageState();
            session.put(v, state);
            return t;
        }
        return open(v, state);
    }

    /** Waits for what scripts draw after load: the charts (uPlot canvases) and a log's lines. */
    static void settle(Page p) {
        int charts = p.locator("[data-chart]").count();
        if (charts > 0) {
            p.waitForFunction("n => Array.from(document.querySelectorAll('[data-chart]')).filter(el =>"
                    + " el.querySelector('canvas') || el.textContent.includes('unavailable')).length >= n", charts);
        }
        if (p.locator("[data-log-stream]").count() > 0) {
            p.waitForFunction("() => document.querySelector('[data-log-stream] .line') !== null");
        }
    }
}
