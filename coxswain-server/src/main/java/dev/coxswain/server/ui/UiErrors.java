package dev.coxswain.server.ui;

import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.StoreUnavailableException;
import dev.coxswain.server.http.BodyTooLargeException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The dashboard's own error format: an HTML page (or, for an htmx request, a banner swapped into
 * the page's message area) with the status and a sentence saying what to do. Never a stack trace,
 * never a secret.
 */
public final class UiErrors {
    private static final Logger LOG = Logger.getLogger(UiErrors.class.getName());

    /** The error page's model. {@code details}: one line per invalid field. */
    public record ErrorPage(int status, String title, String message, List<String> details, String version) {
    }

    private final UiTemplates templates;
    private final String version;

    public UiErrors(UiTemplates templates, String version) {
        this.templates = templates;
        this.version = version;
    }

    public void send(ServerRequest req, ServerResponse res, Throwable e) {
        ErrorPage page = page(e);
        if (page.status() >= 500) LOG.log(Level.WARNING, "dashboard " + req.prologue().method().text() + " "
                + req.path().path() + " failed", e);
        if (page.status() == 503) res.header(HeaderNames.RETRY_AFTER, "5");
        boolean htmx = req.headers().first(HeaderNames.create("HX-Request")).isPresent();
        if (htmx) {
            // htmx swaps this into the page's message area instead of the target (see app.js).
            res.header(HeaderNames.create("HX-Retarget"), "#flash");
            res.header(HeaderNames.create("HX-Reswap"), "innerHTML");
            templates.send(res, page.status(), "error_banner.jte", page);
        } else {
            templates.send(res, page.status(), "error.jte", page);
        }
    }

    public void send(ServerRequest req, ServerResponse res, int status, String message) {
        send(req, res, new UiException(status, message));
    }

    ErrorPage page(Throwable e) {
        return switch (e) {
            case UiException u -> new ErrorPage(u.status(), title(u.status()), u.getMessage(), List.of(), version);
            case NotFoundException n -> new ErrorPage(404, title(404), n.getMessage(), List.of(), version);
            case ValidationException v -> new ErrorPage(400, title(400), "Some fields are not valid.", lines(v.fields()), version);
            case ConflictException c -> new ErrorPage(409, title(409), c.getMessage(), List.of(), version);
            case IllegalArgumentException i -> new ErrorPage(400, title(400), i.getMessage(), List.of(), version);
            case BodyTooLargeException b -> new ErrorPage(413, title(413), "The form is larger than this server accepts.", List.of(), version);
            case StoreUnavailableException s -> new ErrorPage(503, title(503), "The store is not answering; try again in a few seconds.",
                    List.of(), version);
            default -> new ErrorPage(500, title(500), "Something went wrong on the server; it has been logged.", List.of(), version);
        };
    }

    private static List<String> lines(Map<String, String> errors) {
        return errors.entrySet().stream().map(en -> en.getKey() + ": " + en.getValue()).toList();
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "That request was not valid";
            case 401 -> "Sign-in needed";
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 409 -> "Not possible now";
            case 413 -> "Too large";
            case 429 -> "Too many requests";
            case 503 -> "Unavailable";
            default -> status >= 500 ? "Server error" : "Request refused";
        };
    }
}
