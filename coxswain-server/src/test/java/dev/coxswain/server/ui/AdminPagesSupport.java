package dev.coxswain.server.ui;

/** What the admin page tests share. */
final class AdminPagesSupport {
    private AdminPagesSupport() {
    }

    /**
     * The CSRF token of a client's session, read on the server: for a principal refused every page
     * that would carry it (a form it may not see must still be refused when posted).
     */
    static String csrf(UiServer srv, UiClient c) {
        String session = c.cookies().getCookieStore().getCookies().stream().filter(k -> k.getName().equals("coxswain_session"))
                .findFirst().orElseThrow().getValue();
        return srv.server.engine().sessions().resolve(session).orElseThrow().csrf();
    }
}
