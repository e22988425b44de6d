package dev.coxswain.core.exec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.LogLevel;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Runs {@code {"command": "…"}} with {@code sh -c} in its own session (via {@code setsid}), so the
 * whole tree it starts can be killed as one process group (see {@link ProcessTree}).
 *
 * <p>The group dies with this JVM: the session's leader first starts a watcher that holds the
 * pipe this JVM writes the leader's stdin through and kills the group when that pipe reaches
 * EOF, which happens when the JVM is gone, however it died (see {@link #WRAPPER}). And the group
 * is recorded in the attempt's {@link ProcessLedger} before the command runs, so a node restarted
 * after a crash stops whatever a dead watcher left behind.
 *
 * <p>stdout lines are logged at INFO and kept (bounded) as the result; stderr lines are logged at
 * ERROR. The command's stdin is {@code /dev/null}, so a command that reads input sees EOF instead
 * of hanging.
 */
public final class ShellExecutor implements TaskExecutor {
    public static final int DEFAULT_MAX_RESULT_BYTES = 65_536;
    /** Longer lines are cut; protects memory against output without newlines. */
    static final int MAX_LINE_CHARS = 16 * 1024;
    static final String LINE_CUT_SUFFIX = " … [line truncated]";
    static final String RESULT_CUT_SUFFIX = "\n… [output truncated]";

    private static final Logger LOG = Logger.getLogger(ShellExecutor.class.getName());
    /** After the shell exits, how long background children may keep the pipes open. */
    private static final Duration DRAIN = Duration.ofMillis(200);
    /**
     * After killing the group, how long to wait for the readers before abandoning them. Only a
     * process that left our group (its own setsid) and still holds the pipe can exhaust this.
     */
    private static final Duration ABANDON_AFTER = Duration.ofSeconds(2);

    /**
     * The session leader's script ({@code $1} is the task's command). It waits for this JVM's
     * "go" (sent once the group is recorded; EOF first means nothing may run), starts the
     * watcher on a copy of the stdin pipe, then becomes the command itself ({@code exec}: the
     * same pid, which stays the group id). The watcher reads until EOF: this JVM holds the
     * pipe's only write end and never closes it while the attempt runs, so EOF means the JVM
     * died (or the attempt is over) and it SIGKILLs the whole group, itself included. Its output
     * goes nowhere, so it never holds the task's output pipes open, and the command gets neither
     * the pipe nor fd 3.
     *
     * <p>Why not the parent-death signal ({@code setpriv --pdeathsig}): Linux sends it when the
     * <em>thread</em> that forked the child exits, and attempts start on virtual threads whose
     * carriers come and go; and it reaches only the direct child, not the rest of the group.
     */
    static final String WRAPPER = """
            exec 3<&0
            read -r go || exit 111
            { while read -r _; do :; done; kill -9 0; } <&3 >/dev/null 2>&1 &
            exec sh -c "$1" </dev/null 3<&-
            """;
    /** {@code $0} of the wrapper, as {@code ps} shows it. */
    static final String WRAPPER_NAME = "coxswain-task";

    private final int maxResultBytes;
    private final Duration grace = ProcessTree.DEFAULT_GRACE;

    public ShellExecutor() {
        this(DEFAULT_MAX_RESULT_BYTES);
    }

    public ShellExecutor(int maxResultBytes) {
        if (maxResultBytes < 0) throw new IllegalArgumentException("maxResultBytes < 0");
        this.maxResultBytes = maxResultBytes;
    }

    @Override
    public String type() {
        return "shell";
    }

    /** Prefix of the server's own settings in its environment (see the README's configuration table). */
    static final String SERVER_SETTINGS_PREFIX = "COXSWAIN_";

    /**
     * Tasks inherit the server's environment (PATH, HOME, locale…) but not the server's own
     * settings: {@code COXSWAIN_DB_PASSWORD}, {@code COXSWAIN_JWT_SECRET}, {@code COXSWAIN_SECRET_KEY}
     * and the like would otherwise be one {@code env} away from any task's result and logs.
     */
    static void withoutServerSettings(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith(SERVER_SETTINGS_PREFIX));
    }

    @Override
    public ExecutionResult execute(ExecutionContext ctx) throws InterruptedException {
        JsonNode node = ctx.payload() == null ? null : ctx.payload().get("command");
        String command = node == null || !node.isTextual() ? null : node.asText();
        if (command == null || command.isBlank()) {
            return ExecutionResult.failed(null, null, "shell task has no command");
        }
        ExecutionControl control = ctx.control();
        // Already stopped (cancelled before it ran): don't start anything with side effects.
        if (control.stopped()) {
            return ExecutionResult.failed(null, null, "stopped: " + control.stopReason());
        }

        ProcessBuilder pb = new ProcessBuilder(commandLine(command));
        withoutServerSettings(pb.environment());
        // The task's own environment ({"env": {...}}) goes on top of the server's; values are
        // secrets and are never logged. A working directory ({"working_directory": "..."}) must exist.
        JsonNode env = ctx.payload().get("env");
        if (env != null && env.isObject()) {
            for (var it = env.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isTextual()) continue;
                try {
                    pb.environment().put(e.getKey(), e.getValue().textValue());
                } catch (IllegalArgumentException bad) {
                    // The JDK's message quotes the value, which is a secret: name the variable only.
                    return ExecutionResult.failed(null, null, "environment variable " + e.getKey() + " cannot be set");
                }
            }
        }
        JsonNode dir = ctx.payload().get("working_directory");
        if (dir != null && dir.isTextual() && !dir.textValue().isBlank()) {
            File wd = new File(dir.textValue());
            if (!wd.isDirectory()) {
                return ExecutionResult.failed(null, null, "working directory " + dir.textValue() + " does not exist");
            }
            pb.directory(wd);
        }
        if (ctx.env() != null) {
            for (Map.Entry<String, String> e : ctx.env().entrySet()) {
                if (e.getKey() != null && e.getValue() != null) pb.environment().put(e.getKey(), e.getValue());
            }
        }
        // stdin stays the default pipe: it is the watcher's lifeline (see WRAPPER).

        Process process;
        try {
            process = pb.start();
        } catch (IOException | RuntimeException e) {
            return ExecutionResult.failed(null, null, "could not start process: " + e.getMessage());
        }
        ProcessHandle handle = process.toHandle();
        // A stop that arrived since the check above runs this right here, on this thread.
        // Once the attempt is over the pid (= group id) may be recycled: a late stop must not
        // signal whatever gets it next.
        AtomicBoolean finished = new AtomicBoolean();
        control.onStop(() -> {
            if (!finished.get()) ProcessTree.kill(handle, grace);
        });
        String refused = recordAndGo(process, ctx.processes());
        if (refused != null) {
            ProcessTree.kill(handle, grace);
            finished.set(true);
            closeQuietly(process);
            // A stop that killed the wrapper while it waited is why it "ended at once".
            StopReason reason = control.stopReason();
            return ExecutionResult.failed(null, null, reason != null ? "stopped: " + reason : refused);
        }

        Output out = new Output(maxResultBytes);
        Thread stdoutReader = Thread.ofVirtual().name("shell-stdout-" + ctx.taskId())
                .start(() -> pump(process.getInputStream(), line -> out.ifOpen(() -> {
                    ctx.log().line(LogLevel.INFO, line);
                    out.append(line);
                })));
        Thread stderrReader = Thread.ofVirtual().name("shell-stderr-" + ctx.taskId())
                .start(() -> pump(process.getErrorStream(),
                        line -> out.ifOpen(() -> ctx.log().line(LogLevel.ERROR, line))));

        int code;
        try {
            code = process.waitFor();
            // The shell is gone, but background children may live on and hold stdout/stderr
            // open. Give the readers a moment to drain, then end whatever is left of the group:
            // the attempt owns its process group. This must not depend on whether the readers
            // finished: when the shell exits, the JDK itself drains and closes its pipe streams
            // unless a read is in progress, so "readers done" does not mean "children gone".
            // ProcessTree.kill is one /proc scan when the group is already empty.
            joinBoth(stdoutReader, stderrReader, DRAIN);
            ProcessTree.kill(handle, grace);
            if (!joinBoth(stdoutReader, stderrReader, ABANDON_AFTER)) {
                LOG.warning("task " + ctx.taskId() + ": output pipe still held by a process outside "
                        + "the task's process group; abandoning its output");
            }
        } catch (InterruptedException e) {
            ProcessTree.kill(handle, grace);
            finished.set(true);
            closeQuietly(process);
            out.close();
            throw e;
        }
        finished.set(true);
        closeQuietly(process); // the group is gone; the watcher's pipe has done its job
        // Readers that were abandoned must not log after the attempt ended.
        out.close();
        String result = out.result();

        StopReason reason = control.stopReason();
        if (reason != null) return ExecutionResult.failed(code, result, "stopped: " + reason);
        if (code == 0) return ExecutionResult.ok(0, result);
        return ExecutionResult.failed(code, result, "Command exited with code " + code);
    }

    /** The argv that runs {@code command} under {@link #WRAPPER} as the leader of a new session. */
    static List<String> commandLine(String command) {
        return List.of("setsid", "sh", "-c", WRAPPER, WRAPPER_NAME, command);
    }

    /**
     * Records the group, then lets the command run. @return null when it runs, otherwise why
     * the attempt did not start
     */
    private static String recordAndGo(Process process, ProcessLedger ledger) {
        ProcessIdentity leader = ProcessIdentity.of(process.pid()).orElse(null);
        if (leader == null) return "could not start process: it ended at once";
        try {
            ledger.started(leader);
        } catch (RuntimeException e) {
            LOG.warning("could not record the process group of an attempt; not running it: " + e.getMessage());
            return "could not record the attempt's process group: " + e.getMessage();
        }
        try {
            // Not closed: the open pipe is what keeps the watcher from killing the group.
            process.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
            process.getOutputStream().flush();
            return null;
        } catch (IOException e) {
            return "could not start process: " + e.getMessage();
        }
    }

    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // The group is gone already; nothing waits for this pipe.
        }
    }

    private static boolean joinBoth(Thread a, Thread b, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (Thread t : new Thread[] {a, b}) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) return false;
        }
        return true;
    }

    /**
     * Reads UTF-8 lines (LF or CRLF), cutting any line longer than {@link #MAX_LINE_CHARS}; NUL
     * and undecodable bytes become U+FFFD.
     */
    static void pump(InputStream in, Consumer<String> sink) {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[8192];
            StringBuilder line = new StringBuilder();
            boolean cut = false;
            int n;
            while ((n = r.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    // NUL becomes U+FFFD, like undecodable bytes: PostgreSQL text cannot hold it,
                    // and a line it could not store would block every completion behind it.
                    char c = buf[i] == '\0' ? '\uFFFD' : buf[i];
                    if (c == '\n') {
                        emit(line, cut, sink);
                        line.setLength(0);
                        cut = false;
                    } else if (line.length() < MAX_LINE_CHARS) {
                        line.append(c);
                    } else {
                        cut = true; // drop the rest of this line until its newline
                    }
                }
            }
            if (!line.isEmpty() || cut) emit(line, cut, sink);
        } catch (IOException e) {
            // Stream closed under us (process killed / JVM closing it): the output simply ends.
        }
    }

    private static void emit(StringBuilder line, boolean cut, Consumer<String> sink) {
        int len = line.length();
        if (!cut && len > 0 && line.charAt(len - 1) == '\r') len--;
        // Don't leave half a surrogate pair at the cut.
        if (cut && len > 0 && Character.isHighSurrogate(line.charAt(len - 1))) len--;
        String s = line.substring(0, len);
        sink.accept(cut ? s + LINE_CUT_SUFFIX : s);
    }

    /** The bounded stdout result, plus the "attempt is over" flag the readers check. */
    private static final class Output {
        private final int maxBytes;
        private final StringBuilder text = new StringBuilder();
        private int bytes;
        private boolean first = true;
        private boolean truncated;
        private boolean closed;

        Output(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        /** Runs {@code r} unless the attempt is over; under the lock so nothing slips past close. */
        synchronized void ifOpen(Runnable r) {
            if (!closed) r.run();
        }

        synchronized void close() {
            closed = true;
        }

        synchronized void append(String line) {
            if (truncated || closed) return;
            String piece = first ? line : "\n" + line;
            first = false;
            int size = utf8Length(piece);
            if (bytes + size <= maxBytes) {
                text.append(piece);
                bytes += size;
                return;
            }
            // Keep as many whole code points as fit, then mark the cut once.
            int budget = maxBytes - bytes;
            int i = 0;
            while (i < piece.length()) {
                int cp = piece.codePointAt(i);
                int cpBytes = utf8Length(cp);
                if (cpBytes > budget) break;
                budget -= cpBytes;
                i += Character.charCount(cp);
            }
            text.append(piece, 0, i).append(RESULT_CUT_SUFFIX);
            truncated = true;
        }

        synchronized String result() {
            return text.toString();
        }

        private static int utf8Length(String s) {
            int n = 0;
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                n += utf8Length(cp);
                i += Character.charCount(cp);
            }
            return n;
        }

        private static int utf8Length(int cp) {
            return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        }
    }
}
