package dev.coxswain.server.ui;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.SessionService;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One signed-in request to a dashboard route: the session, the posted form (already checked for
 * its CSRF token), and the ways to answer (a page, a fragment, a redirect with a message).
 */
public final class UiCall {
    private final ServerRequest req;
    private final ServerResponse res;
    private final SessionService.Session session;
    private final UiForm form;
    private final UiTemplates templates;
    private final String version;
    private final String flash;

    UiCall(ServerRequest req, ServerResponse res, SessionService.Session session, UiForm form, UiTemplates templates,
           String version, String flash) {
        this.req = req;
        this.res = res;
        this.session = session;
        this.form = form;
        this.templates = templates;
        this.version = version;
        this.flash = flash;
    }

    public ServerRequest req() {
        return req;
    }

    public ServerResponse res() {
        return res;
    }

    public Principal who() {
        return session.principal();
    }

    public SessionService.Session session() {
        return session;
    }

    /** The posted form (empty for a GET). */
    public UiForm form() {
        return form;
    }

    /** A query parameter, trimmed; null when absent or blank. */
    public String query(String name) {
        String v = req.query().first(name).orElse(null);
        if (v == null) return null;
        v = v.trim();
        return v.isEmpty() ? null : v;
    }

    /** The {@code page} query parameter of an offset-paged list: 1 when absent, else 1..{@code max} or 400. */
    public int pageNumber(int max) {
        String raw = query("page");
        if (raw == null) return 1;
        try {
            int p = Integer.parseInt(raw);
            if (p >= 1 && p <= max) return p;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw UiException.badRequest("page must be a whole number from 1 to " + max + ".");
    }

    /** A path parameter of the route template. */
    public String path(String name) {
        return req.path().pathParameters().get(name);
    }

    /** Whether htmx sent this request (the answer is then a fragment of the page, not all of it). */
    public boolean htmx() {
        return req.headers().first(HeaderNames.create("HX-Request")).isPresent();
    }

    public Chrome chrome(String title, String section) {
        return new Chrome(title, section, who(), session.csrf(), flash, version);
    }

    /** Refuses unless the signed-in principal holds {@code scope} (admin holds every scope). */
    public void require(String scope) {
        if (!who().has(scope)) throw UiException.forbidden("Your key lacks the '" + scope + "' scope needed for this.");
    }

    public void page(String template, Object model) {
        templates.send(res, 200, template, model);
    }

    public void page(int status, String template, Object model) {
        templates.send(res, status, template, model);
    }

    /** Redirects (303, so the browser follows with a GET) and shows {@code message} on the next page. */
    public void redirect(String location, String message) {
        if (message != null) {
            UiCookies.set(req, res, UiCookies.FLASH, URLEncoder.encode(message, StandardCharsets.UTF_8), Duration.ofMinutes(1));
        }
        redirect(location);
    }

    public void redirect(String location) {
        UiHeaders.page(res);
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, location);
        res.send();
    }

    /** Sends JSON the page's own script reads (chart series). */
    public void json(String body) {
        UiHeaders.page(res);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}
