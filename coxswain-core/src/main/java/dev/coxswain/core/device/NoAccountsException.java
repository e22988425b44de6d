package dev.coxswain.core.device;

import java.util.List;

/** A multi-account request chose devices on which no account is known. */
public class NoAccountsException extends RuntimeException {
    private final List<String> serials;

    public NoAccountsException(List<String> serials) {
        super("no account found on device" + (serials.size() == 1 ? " " : "s ") + String.join(", ", serials));
        this.serials = List.copyOf(serials);
    }

    /** The devices without accounts, in request order. */
    public List<String> serials() {
        return serials;
    }
}
