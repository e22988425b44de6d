package dev.coxswain.server;

import java.util.logging.LogManager;

/**
 * The JDK's LogManager resets itself (removing every handler) from its own shutdown hook, which
 * runs at the same time as ours: the lines that say how a SIGTERM shutdown went would be lost.
 * This manager ignores that reset; {@link LogSetup}'s handler only flushes on close and never
 * closes stdout, so there is nothing to clean up.
 *
 * <p>Installed by {@link Main} through {@code java.util.logging.manager} before the first logger
 * exists; embedded use (tests) keeps the JDK's manager.
 */
public final class ShutdownSafeLogManager extends LogManager {
    @Override
    public void reset() {
        // Deliberately nothing: see the class comment. LogSetup removes handlers itself.
    }
}
