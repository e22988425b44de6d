package dev.coxswain.server.ui.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.LoadState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium driven by Playwright for the dashboard's browser tests: one Playwright and one
 * browser per test class (starting Chromium costs about a second), a fresh context (cookies,
 * storage) per test. Playwright never downloads a browser: the system's Chromium is launched by
 * path, and the driver (node) comes from the driver-bundle jar, extracted to a temp directory.
 *
 * <p>Where no Chromium is installed the browser tests are skipped with a loud message, except under
 * {@code CI=true}, where that fails the run: a green CI must mean the dashboard was tried in a
 * browser (the same policy as the PostgreSQL tests, see {@code TestDatabases}).
 *
 * <p>Every page a test opens is watched: a console error, an uncaught exception or a
 * Content-Security-Policy violation is a {@link Problem}, and {@link Tab#assertNoProblems()} fails
 * the test on any — that is how the tests prove the strict CSP holds with htmx and uPlot loaded.
 */
public final class BrowserSupport implements AutoCloseable {
    /** The browser's path; {@code COXSWAIN_TEST_CHROMIUM} overrides it. */
    public static final Path CHROMIUM = Paths.get(envOr("COXSWAIN_TEST_CHROMIUM", "/usr/bin/chromium"));

    private static final List<String> ARGS = List.of("--no-sandbox", "--headless", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            // /dev/shm is small in containers; Chromium then crashes tabs on big pages.
            "--disable-dev-shm-usage");

    /** Both widths every page is looked at. */
    public enum Viewport {
        DESKTOP(1280, 800, "desktop"), PHONE(390, 844, "phone");

        public final int width;
        public final int height;
        public final String suffix;

        Viewport(int width, int height, String suffix) {
            this.width = width;
            this.height = height;
            this.suffix = suffix;
        }
    }

    /** Something the page reported that a clean dashboard never does. */
    public record Problem(String kind, String text, String url) {
        @Override
        public String toString() {
            return kind + ": " + text + (url == null || url.isEmpty() ? "" : " (" + url + ")");
        }
    }

    private final Playwright playwright;
    private final Browser browser;
    private final String base;

    private BrowserSupport(Playwright playwright, Browser browser, String base) {
        this.playwright = playwright;
        this.browser = browser;
        this.base = base;
    }

    /**
     * Starts Playwright and Chromium for a test class whose server answers at {@code base}; skips
     * (or under CI fails) when Chromium is not installed.
     */
    public static BrowserSupport launch(String base) {
        requireChromium();
        Map<String, String> env = Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(env));
        try {
            // launch() gives Chromium a fresh temporary profile of its own (and deletes it on close):
            // nothing from an earlier run or the user's own Chromium leaks in.
            Browser b = pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                    .setArgs(ARGS).setTimeout(60_000));
            return new BrowserSupport(pw, b, base);
        } catch (RuntimeException e) {
            pw.close();
            throw e;
        }
    }

    /** Skips the calling test class (or under CI fails it) when Chromium is not installed. */
    public static void requireChromium() {
        if (Files.isExecutable(CHROMIUM)) return;
        String msg = "Chromium is not installed at " + CHROMIUM;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("CI=true but " + msg + "; the dashboard cannot go untested in a browser");
        }
        System.err.println("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                + "!!! SKIPPING browser tests: " + msg + "\n"
                + "!!! Install it (apt-get install chromium) or set COXSWAIN_TEST_CHROMIUM to a Chromium binary.\n"
                + "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
        Assumptions.abort(msg);
    }

    public String base() {
        return base;
    }

    /** A new context (own cookies) at this width, with one page open on nothing yet. */
    public Tab open(Viewport v) {
        return open(v, null);
    }

    /**
     * A new context at this width carrying {@code storageState} (cookies of an earlier
     * {@link Tab#storageState()}, so a class signs in once per width), or none when null.
     */
    public Tab open(Viewport v, String storageState) {
        Browser.NewContextOptions o = new Browser.NewContextOptions().setViewportSize(v.width, v.height)
                .setBaseURL(base).setLocale("en-GB").setTimezoneId("UTC");
        if (v == Viewport.PHONE) o.setIsMobile(true).setHasTouch(true).setDeviceScaleFactor(1);
        if (storageState != null) o.setStorageState(storageState);
        BrowserContext ctx = browser.newContext(o);
        ctx.setDefaultTimeout(10_000);
        // Runs before any page script and outside the CSP (injected by the browser, not the page):
        // a violation becomes a console error that the listener below collects.
        ctx.addInitScript("document.addEventListener('securitypolicyviolation', function (e) {"
                + " console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')"
                + " + ' at ' + e.sourceFile + ':' + e.lineNumber); });");
        Page page = ctx.newPage();
        return new Tab(ctx, page, v);
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }

    /** One browser context and its page, with the problems seen so far. */
    public static final class Tab implements AutoCloseable {
        public final BrowserContext context;
        public final Page page;
        public final Viewport viewport;
        private final List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
        private final List<Predicate<Problem>> expected = new ArrayList<>();

        Tab(BrowserContext context, Page page, Viewport viewport) {
            this.context = context;
            this.page = page;
            this.viewport = viewport;
            page.onConsoleMessage(m -> {
                if ("error".equals(m.type())) problems.add(new Problem(m.text().startsWith("CSP violation") ? "csp" : "console",
                        m.text(), m.location()));
            });
            page.onPageError(e -> problems.add(new Problem("uncaught", e, page.url())));
        }

        /** Problems matching this (e.g. the 403 a test provokes on purpose) do not fail the test. */
        public Tab expect(Predicate<Problem> p) {
            expected.add(p);
            return this;
        }

        /** Expects console errors whose text matches {@code regex} (CSP violations are never expected). */
        public Tab expectConsole(String regex) {
            Pattern re = Pattern.compile(regex);
            return expect(p -> p.kind().equals("console") && re.matcher(p.text()).find());
        }

        public List<Problem> problems() {
            synchronized (problems) {
                return List.copyOf(problems);
            }
        }

        /** Fails on any console error, uncaught exception or CSP violation not expected. */
        public void assertNoProblems() {
            List<Problem> bad = problems().stream().filter(p -> expected.stream().noneMatch(e -> e.test(p))).toList();
            if (!bad.isEmpty()) {
                Assertions.fail("The browser reported " + bad.size() + " problem(s) on " + page.url() + ":\n  "
                        + String.join("\n  ", bad.stream().map(Problem::toString).toList()));
            }
        }

        /** Opens a dashboard path and waits until its scripts ran (DOMContentLoaded plus the network settling). */
        public Page go(String path) {
            page.navigate(path);
            page.waitForLoadState(LoadState.LOAD);
            return page;
        }

        /** Signs in through the real form with this key and waits to land on {@code next} (or the overview). */
        public Page signIn(String credential) {
            return signIn(credential, null);
        }

        public Page signIn(String credential, String next) {
            page.navigate(next == null ? "/ui/sign-in" : "/ui/sign-in?next=" + java.net.URLEncoder.encode(next,
                    java.nio.charset.StandardCharsets.UTF_8));
            page.getByLabel(Pattern.compile("API key")).fill(credential);
            page.waitForNavigation(() -> page.locator("form[action='/ui/sign-in'] button[type=submit]").click());
            if (page.url().contains("/ui/sign-in")) {
                Assertions.fail("sign-in failed, still on " + page.url() + ": " + page.locator("[role=alert]").allTextContents());
            }
            return page;
        }

        /** The context's cookies and storage, for {@link BrowserSupport#open(Viewport, String)}. */
        public String storageState() {
            return context.storageState();
        }

        /** A full-page PNG at target/screenshots/{name}-{desktop|phone}.png. */
        public Path screenshot(String name) {
            Path file = screenshotDir().resolve(name + "-" + viewport.suffix + ".png");
            page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
            return file;
        }

        @Override
        public void close() {
            context.close();
        }
    }

    /** coxswain-server/target/screenshots (surefire runs in the module's directory and sets basedir). */
    public static Path screenshotDir() {
        Path dir = Paths.get(System.getProperty("basedir", ".")).resolve("target").resolve("screenshots");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
