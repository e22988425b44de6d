package dev.coxswain.server.ui.browser;

import dev.coxswain.server.ui.NativeApi;

import dev.coxswain.server.ui.UiServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every browser test class shares: one server (SQLite in a temp directory) and one Chromium
 * for the class, a fresh browser context per {@link #open}, and after each test every page's
 * console checked — an error or a CSP violation anywhere fails the test that caused it.
 */
abstract class BrowserTestCase {
    @TempDir
    static Path dir;
    static UiServer srv;
    static BrowserSupport browser;
    static NativeApi api;

    private final List<BrowserSupport.Tab> tabs = new ArrayList<>();

    @BeforeAll
    static void startServerAndBrowser() {
        BrowserSupport.requireChromium(); // before the server: a skipped class starts nothing
        srv = new UiServer(dir, Clock.systemUTC());
        api = srv.api();
        browser = BrowserSupport.launch(srv.base());
    }

    @AfterAll
    static void stopServerAndBrowser() {
        try {
            if (browser != null) browser.close();
        } finally {
            browser = null;
            if (srv != null) srv.close();
            srv = null;
        }
    }

    /** A new browser context at this width (closed and checked after the test). */
    BrowserSupport.Tab open(BrowserSupport.Viewport v) {
        return open(v, null);
    }

    /** A new browser context with the cookies of {@code storageState} (see {@link BrowserSupport.Tab#storageState()}). */
    BrowserSupport.Tab open(BrowserSupport.Viewport v, String storageState) {
        BrowserSupport.Tab t = browser.open(v, storageState);
        tabs.add(t);
        return t;
    }

    /** A desktop-width context signed in as the admin, on the overview. */
    BrowserSupport.Tab admin() {
        BrowserSupport.Tab t = open(BrowserSupport.Viewport.DESKTOP);
        t.signIn(UiServer.ADMIN);
        return t;
    }

    @AfterEach
    void checkAndCloseTabs() {
        try {
            for (BrowserSupport.Tab t : tabs) t.assertNoProblems();
        } finally {
            tabs.forEach(BrowserSupport.Tab::close);
            tabs.clear();
        }
    }
}
