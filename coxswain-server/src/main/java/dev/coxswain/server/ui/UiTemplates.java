package dev.coxswain.server.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.http.Status;

/**
 * Renders the dashboard's jte templates. They were compiled to classes at build time
 * (jte-maven-plugin), in HTML mode: every {@code ${…}} is escaped for the context it stands in
 * (text, attribute, URL), so a task named {@code <script>} is shown as text.
 */
public final class UiTemplates {
    private final TemplateEngine jte = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders {@code template} (e.g. {@code "overview.jte"}) with its one parameter, the page's model. */
    public String render(String template, Object model) {
        StringOutput out = new StringOutput();
        jte.render(template, model, out);
        return out.toString();
    }

    public void send(ServerResponse res, int status, String template, Object model) {
        String html = render(template, model);
        UiHeaders.page(res);
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.send(html.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
