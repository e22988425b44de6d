package dev.coxswain.server.ui;

/** A dashboard route: runs once the caller is signed in, within the rate limit, and (for a POST) sent the CSRF token. */
@FunctionalInterface
public interface UiRoute {
    void handle(UiCall call) throws Exception;
}
