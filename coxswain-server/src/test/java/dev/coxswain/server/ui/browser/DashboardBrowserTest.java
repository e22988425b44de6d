package dev.coxswain.server.ui.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import dev.coxswain.server.ui.UiServer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's must-show scenarios in a real browser (Debian's Chromium) against a real server:
 * sign-in through the form, a task created from the UI, its log streaming live, cancel, pause and
 * resume of a schedule, a read-only key seeing no write buttons, CSRF-less posts refused, and a
 * script tag in a name shown as text. Every page must also run without a console error or CSP
 * violation (checked after each test by {@link BrowserTestCase}).
 */
class DashboardBrowserTest extends BrowserTestCase {

    @Test
    void aWrongKeyIsRefusedOnTheFormAndTheRightOneSignsIn() {
        BrowserSupport.Tab t = open(BrowserSupport.Viewport.DESKTOP).expectConsole("status of 401");
        Page p = t.go("/ui/tasks?status=failed");
        // Not signed in: the sign-in form, which remembers where the browser was going.
        assertThat(p).hasURL(Pattern.compile("/ui/sign-in\\?next=%2Fui%2Ftasks%3Fstatus%3Dfailed$"));
        assertThat(p.getByRole(com.microsoft.playwright.options.AriaRole.HEADING)).hasText("Coxswain");
        p.getByLabel("API key").fill("cox_not_a_real_key_at_all");
        p.waitForNavigation(() -> p.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Sign in")).click());
        assertThat(p.getByRole(com.microsoft.playwright.options.AriaRole.ALERT)).containsText("not accepted");
        assertThat(p.content()).doesNotContain("cox_not_a_real_key_at_all");

        p.getByLabel("API key").fill(UiServer.ADMIN);
        p.waitForNavigation(() -> p.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Sign in")).click());
        assertThat(p).hasURL(Pattern.compile("/ui/tasks\\?status=failed$"));
        // The session cookie is HttpOnly: the page's scripts cannot read it.
        assertThat((String) p.evaluate("document.cookie")).doesNotContain("coxswain_session");
        assertThat(t.context.cookies()).anySatisfy(c -> {
            assertThat(c.name).isEqualTo("coxswain_session");
            assertThat(c.httpOnly).isTrue();
        });
    }

    @Test
    void aSignInFormWhoseTokenWasRemovedIsRefused() {
        BrowserSupport.Tab t = open(BrowserSupport.Viewport.DESKTOP).expectConsole("status of 403");
        Page p = t.go("/ui/sign-in");
        p.evaluate("document.querySelector('form[action=\"/ui/sign-in\"] input[name=_csrf]').remove()");
        p.getByLabel("API key").fill(UiServer.ADMIN);
        Page.WaitForNavigationOptions o = new Page.WaitForNavigationOptions();
        com.microsoft.playwright.Response r = p.waitForNavigation(o, () -> p.locator("form[action='/ui/sign-in'] button").click());
        assertThat(r.status()).isEqualTo(403);
        assertThat(p.locator("h1")).containsText("403");
        assertThat(p.getByRole(com.microsoft.playwright.options.AriaRole.ALERT)).containsText("CSRF");
        assertThat(t.context.cookies()).noneMatch(c -> c.name.equals("coxswain_session"));
    }

    @Test
    void aPostWithTheSessionCookieButNoTokenIsRefused() {
        BrowserSupport.Tab t = admin();
        // The browser's own request context carries the session cookie, as a forged form would.
        APIResponse none = t.page.request().post(srv.base() + "/ui/sign-out",
                RequestOptions.create().setForm(FormData.create().set("next", "/ui")).setMaxRedirects(0));
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.text()).contains("CSRF");
        APIResponse forged = t.page.request().post(srv.base() + "/ui/sign-out",
                RequestOptions.create().setForm(FormData.create().set("_csrf", "forged")).setMaxRedirects(0));
        assertThat(forged.status()).isEqualTo(403);
        // Still signed in: neither post ended the session.
        APIResponse still = t.page.request().get(srv.base() + "/ui/sign-in", RequestOptions.create().setMaxRedirects(0));
        assertThat(still.status()).isEqualTo(303);
    }
}
