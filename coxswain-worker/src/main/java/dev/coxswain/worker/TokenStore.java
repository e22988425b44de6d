package dev.coxswain.worker;

/**
 * Which token goes into {@code X-Worker-Token}: the master token until an STS exchange hands out
 * an access token. The master token stays the signing key whatever is sent. Holds secrets, so
 * it has no toString and nothing here is ever logged.
 */
final class TokenStore {
    private final String master;
    private String access;
    private String refresh;

    TokenStore(String master) {
        this.master = master;
    }

    String master() {
        return master;
    }

    /** The token to send now. */
    synchronized String current() {
        return access != null ? access : master;
    }

    synchronized String refreshToken() {
        return refresh;
    }

    /** Takes an exchange's answer; a missing refresh token keeps the one already held. */
    synchronized void adopt(String accessToken, String refreshToken) {
        this.access = accessToken;
        if (refreshToken != null) this.refresh = refreshToken;
    }

    /** Forgets the refresh token (it was refused), so the next exchange starts from the master token. */
    synchronized void dropRefreshToken() {
        this.refresh = null;
    }
}
