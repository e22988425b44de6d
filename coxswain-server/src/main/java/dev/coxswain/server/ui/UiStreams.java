package dev.coxswain.server.ui;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's open event streams (a task's live log). Each stream is a request handler that
 * loops until its subject ends or its client leaves; closing the registry when the server stops
 * wakes every loop and ends it, so the HTTP server's stop does not wait on streams that would
 * otherwise poll for up to their lifetime. The number open at once is bounded: each holds a
 * thread and polls the store.
 */
public final class UiStreams implements AutoCloseable {
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private final int max;
    private volatile boolean closed;

    public UiStreams(int max) {
        this.max = max;
    }

    /** @throws UiException 503 when the server is stopping or too many streams are open */
    Stream open() {
        if (closed) throw new UiException(503, "The server is stopping.");
        Stream s = new Stream();
        open.add(s);
        if (open.size() > max) {
            open.remove(s);
            throw new UiException(503, "Too many live streams are open on this server (" + max + "); try again later.");
        }
        if (closed) {
            s.close();
            throw new UiException(503, "The server is stopping.");
        }
        return s;
    }

    int count() {
        return open.size();
    }

    /** Ends every stream (their loops return within one pause) and refuses new ones. */
    @Override
    public void close() {
        closed = true;
        for (Stream s : open) s.wake();
    }

    /** One open stream: its loop pauses here between polls and asks whether to go on. */
    final class Stream implements AutoCloseable {
        private final Object lock = new Object();

        /** Whether the loop may go on (the registry is not closed). */
        boolean live() {
            return !closed;
        }

        /** Waits {@code d}, or less when the registry closes meanwhile. */
        void pause(Duration d) throws InterruptedException {
            synchronized (lock) {
                if (closed) return;
                lock.wait(Math.max(1, d.toMillis()));
            }
        }

        private void wake() {
            synchronized (lock) {
                lock.notifyAll();
            }
        }

        @Override
        public void close() {
            open.remove(this);
        }
    }
}
