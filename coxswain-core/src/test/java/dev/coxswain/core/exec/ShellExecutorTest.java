package dev.coxswain.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.domain.LogLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellExecutorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every pid a test saw, killed by pid after each test so a failing test leaves no sleepers. */
    private final Set<Long> seenPids = new HashSet<>();

    record Line(LogLevel level, String message) {
    }

    static final class Sink implements LogSink {
        final List<Line> lines = new ArrayList<>();

        @Override
        public synchronized void line(LogLevel level, String message) {
            lines.add(new Line(level, message));
        }

        synchronized List<String> at(LogLevel level) {
            return lines.stream().filter(l -> l.level() == level).map(Line::message).toList();
        }
    }

    @AfterEach
    void cleanUp() {
        for (long pid : seenPids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static ExecutionContext ctx(String command, Map<String, String> env, Sink sink, ExecutionControl control) {
        ObjectNode payload = JSON.createObjectNode();
        if (command != null) payload.put("command", command);
        return new ExecutionContext(42L, 1, payload, env, sink, control);
    }

    private static ExecutionResult run(String command) throws InterruptedException {
        return new ShellExecutor().execute(ctx(command, Map.of(), new Sink(), new ExecutionControl()));
    }

    private CompletableFuture<ExecutionResult> runAsync(ShellExecutor ex, ExecutionContext c) {
        CompletableFuture<ExecutionResult> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                f.complete(ex.execute(c));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /**
     * Alive by ProcessHandle, and not a zombie: a killed orphan stays a zombie until init reaps
     * it, which some inits do only every few seconds.
     */
    private static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false; // vanished between the two looks
        }
    }

    /** SIGKILL takes effect asynchronously, so allow a moment; a sleep 300 won't pass. */
    private static void assertAllDead(Set<Long> pids) {
        assertThat(pids).isNotEmpty();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(pids.stream().filter(ShellExecutorTest::alive).toList())
                        .as("still alive").isEmpty());
    }

    private Set<Long> pidsFrom(List<String> lines) {
        Set<Long> pids = lines.stream().map(String::trim).filter(s -> s.matches("\\d+"))
                .map(Long::parseLong).collect(Collectors.toSet());
        seenPids.addAll(pids);
        return pids;
    }

    private Set<Long> descendantsOf(long pid) {
        Set<Long> pids = ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                .map(ProcessHandle::pid).collect(Collectors.toSet());
        seenPids.addAll(pids);
        return pids;
    }

    // ---------------------------------------------------------------- output

    @Test
    void stdoutIsInfoAndResultStderrIsError() throws Exception {
        Sink sink = new Sink();
        ExecutionResult r = new ShellExecutor().execute(ctx(
                "echo one; echo oops >&2; echo two; echo again >&2; printf 'no newline'", Map.of(), sink,
                new ExecutionControl()));

        assertThat(r).isEqualTo(ExecutionResult.ok(0, "one\ntwo\nno newline"));
        assertThat(sink.at(LogLevel.INFO)).containsExactly("one", "two", "no newline");
        assertThat(sink.at(LogLevel.ERROR)).containsExactly("oops", "again");
        assertThat(sink.lines).hasSize(5);
    }

    @Test
    void keepsEmptyLinesAndStripsCrLf() throws Exception {
        ExecutionResult r = run("printf 'a\\r\\n\\nb\\n'");
        assertThat(r.result()).isEqualTo("a\n\nb");
    }

    @Test
    void utf8OutputIsDecoded() throws Exception {
        assertThat(run("printf 'h\\303\\251llo \\342\\202\\254\\n'").result()).isEqualTo("héllo €");
    }

    @Test
    void nulBytesBecomeReplacementCharacters() throws Exception {
        Sink sink = new Sink();
        ExecutionResult r = new ShellExecutor().execute(ctx("printf 'a\\000b\\n'; printf 'c\\000\\n' >&2", Map.of(), sink,
                new ExecutionControl()));
        assertThat(r.result()).isEqualTo("a\uFFFDb");
        assertThat(sink.at(LogLevel.INFO)).containsExactly("a\uFFFDb");
        assertThat(sink.at(LogLevel.ERROR)).containsExactly("c\uFFFD");
    }

    @Test
    void nonZeroExitFailsWithCodeAndOutput() throws Exception {
        Sink sink = new Sink();
        ExecutionResult r = new ShellExecutor().execute(ctx("echo partial; echo bad >&2; exit 3", Map.of(), sink,
                new ExecutionControl()));

        assertThat(r.success()).isFalse();
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.result()).isEqualTo("partial");
        assertThat(r.error()).isEqualTo("Command exited with code 3");
        assertThat(sink.at(LogLevel.ERROR)).containsExactly("bad");
    }

    @Test
    void missingOrBlankCommandFails() throws Exception {
        ShellExecutor ex = new ShellExecutor();
        ExecutionResult expected = ExecutionResult.failed(null, null, "shell task has no command");
        assertThat(ex.execute(ctx(null, Map.of(), new Sink(), new ExecutionControl()))).isEqualTo(expected);
        assertThat(ex.execute(ctx("   ", Map.of(), new Sink(), new ExecutionControl()))).isEqualTo(expected);
        assertThat(ex.execute(new ExecutionContext(1, 1, null, Map.of(), new Sink(), new ExecutionControl())))
                .isEqualTo(expected);
        assertThat(ex.execute(new ExecutionContext(1, 1, JSON.readTree("{\"command\": 7}"), Map.of(), new Sink(),
                new ExecutionControl()))).isEqualTo(expected);
    }

    @Test
    void contextEnvIsAddedToServerEnv() throws Exception {
        ExecutionResult r = new ShellExecutor().execute(ctx("echo \"$CHECKPOINT_DATA\"; echo \"$PATH\"",
                Map.of("CHECKPOINT_DATA", "{\"page\": 7}"), new Sink(), new ExecutionControl()));
        assertThat(r.result()).isEqualTo("{\"page\": 7}\n" + System.getenv("PATH"));
    }

    @Test
    void stdinIsEmpty() throws Exception {
        // cat would block forever on an inherited/open stdin.
        assertThat(run("cat; echo after")).isEqualTo(ExecutionResult.ok(0, "after"));
    }

    @Test
    void resultIsTruncatedAtMaxBytesButEveryLineIsLogged() throws Exception {
        Sink sink = new Sink();
        ExecutionResult r = new ShellExecutor(10).execute(ctx("printf 'abcdef\\nghijkl\\nmnop\\n'", Map.of(), sink,
                new ExecutionControl()));

        assertThat(r.success()).isTrue();
        assertThat(r.result()).isEqualTo("abcdef\nghi" + "\n… [output truncated]");
        assertThat(sink.at(LogLevel.INFO)).containsExactly("abcdef", "ghijkl", "mnop");
    }

    @Test
    void truncationNeverSplitsACharacter() throws Exception {
        // 'é' is 2 bytes in UTF-8: 5 bytes hold two of them, not two and a half.
        ExecutionResult r = new ShellExecutor(5).execute(ctx("printf '\\303\\251\\303\\251\\303\\251'", Map.of(),
                new Sink(), new ExecutionControl()));
        assertThat(r.result()).isEqualTo("éé\n… [output truncated]");
    }

    @Test
    void veryLongLinesAreCut() throws Exception {
        Sink sink = new Sink();
        ExecutionResult r = new ShellExecutor(1_000_000).execute(ctx(
                "head -c 100000 /dev/zero | tr '\\0' a; echo; echo short", Map.of(), sink, new ExecutionControl()));

        List<String> info = sink.at(LogLevel.INFO);
        assertThat(info).hasSize(2);
        assertThat(info.get(0)).startsWith("a".repeat(ShellExecutor.MAX_LINE_CHARS))
                .endsWith("[line truncated]")
                .hasSizeLessThan(ShellExecutor.MAX_LINE_CHARS + 50);
        assertThat(info.get(1)).isEqualTo("short");
        assertThat(r.result()).endsWith("[line truncated]\nshort");
    }

    @Test
    void spawnFailureIsReported() throws Exception {
        // A NUL byte can't go into an exec argument: ProcessBuilder refuses before anything runs.
        ExecutionResult r = run("echo a\u0000b");
        assertThat(r.success()).isFalse();
        assertThat(r.exitCode()).isNull();
        assertThat(r.error()).startsWith("could not start process: ");
    }

    // ---------------------------------------------------------------- process groups

    @Test
    void shellLeadsItsOwnSessionAndIsTheJvmsDirectChild() throws Exception {
        // /proc/<pid>/stat: pid (comm) state ppid pgrp session — comm is "(sh)", no spaces.
        // If setsid had forked, the sh would still lead its group, but its parent would not be us
        // and Process.pid() would not be the group id ProcessTree signals.
        ExecutionResult r = run("cut -d' ' -f1,4,5,6 /proc/$$/stat");
        String[] f = r.result().trim().split(" ");
        long pid = Long.parseLong(f[0]);
        assertThat(Long.parseLong(f[1])).as("ppid").isEqualTo(ProcessHandle.current().pid());
        assertThat(Long.parseLong(f[2])).as("pgid").isEqualTo(pid);
        assertThat(Long.parseLong(f[3])).as("sid").isEqualTo(pid);
    }

    @Test
    void stopKillsShellAndBackgroundChildren() throws Exception {
        Sink sink = new Sink();
        ExecutionControl control = new ExecutionControl();
        CompletableFuture<ExecutionResult> f = runAsync(new ShellExecutor(), ctx(
                "echo $$; sleep 300 & echo $!; sleep 300 & echo $!; wait", Map.of(), sink, control));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.at(LogLevel.INFO).size() == 3);
        Set<Long> pids = pidsFrom(sink.at(LogLevel.INFO));
        long shell = Long.parseLong(sink.at(LogLevel.INFO).get(0));
        assertThat(descendantsOf(shell)).containsAll(pids.stream().filter(p -> p != shell).toList());
        assertThat(pids).hasSize(3).allMatch(ShellExecutorTest::alive);

        long start = System.nanoTime();
        control.stop(StopReason.TIMED_OUT);
        ExecutionResult r = f.get(1500, TimeUnit.MILLISECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("stopped: TIMED_OUT");
        assertThat(r.result()).startsWith(String.valueOf(shell));
        assertAllDead(pids);
    }

    @Test
    void stopKillsDoubleForkedGrandchild() throws Exception {
        Sink sink = new Sink();
        ExecutionControl control = new ExecutionControl();
        // The subshell exits at once, so the inner sh (exec'd into sleep) is reparented away from
        // our shell and invisible to descendants(); only the process group still reaches it.
        CompletableFuture<ExecutionResult> f = runAsync(new ShellExecutor(), ctx(
                "echo $$; (sh -c 'echo $$; exec sleep 300' &) ; sleep 300", Map.of(), sink, control));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.at(LogLevel.INFO).size() == 2);
        long shell = Long.parseLong(sink.at(LogLevel.INFO).get(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> !descendantsOf(shell).isEmpty());
        Set<Long> pids = new HashSet<>(pidsFrom(sink.at(LogLevel.INFO)));
        Set<Long> orphan = new HashSet<>(pids);
        orphan.remove(shell);
        pids.addAll(descendantsOf(shell));
        assertThat(descendantsOf(shell)).as("double-forked pid is no descendant").doesNotContainAnyElementsOf(orphan);
        assertThat(pids).hasSizeGreaterThanOrEqualTo(3).allMatch(ShellExecutorTest::alive);

        long start = System.nanoTime();
        control.stop(StopReason.TIMED_OUT);
        ExecutionResult r = f.get(1500, TimeUnit.MILLISECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("stopped: TIMED_OUT");
        assertAllDead(pids);
    }

    @Test
    void stopEscalatesToSigkillForChildrenIgnoringSigterm() throws Exception {
        Sink sink = new Sink();
        ExecutionControl control = new ExecutionControl();
        // Ignored signals stay ignored across fork/exec, so both the shell and its sleep shrug off TERM.
        CompletableFuture<ExecutionResult> f = runAsync(new ShellExecutor(), ctx(
                "trap '' TERM; echo $$; sleep 300 & echo $!; wait", Map.of(), sink, control));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.at(LogLevel.INFO).size() == 2);
        Set<Long> pids = pidsFrom(sink.at(LogLevel.INFO));

        long start = System.nanoTime();
        control.stop(StopReason.CANCELLED);
        ExecutionResult r = f.get(1500, TimeUnit.MILLISECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));

        assertThat(r.success()).isFalse();
        assertThat(r.exitCode()).isEqualTo(128 + 9);
        assertThat(r.error()).isEqualTo("stopped: CANCELLED");
        assertAllDead(pids);
    }

    @Test
    void backgroundChildHoldingStdoutDoesNotHangTheAttempt() throws Exception {
        Sink sink = new Sink();
        ShellExecutor ex = new ShellExecutor();
        long start = System.nanoTime();
        ExecutionResult r = ex.execute(ctx("sleep 300 & echo $!; echo done", Map.of(), sink, new ExecutionControl()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

        Set<Long> pids = pidsFrom(sink.at(LogLevel.INFO));
        assertThat(r.success()).isTrue();
        assertThat(r.result()).endsWith("\ndone");
        assertAllDead(pids);
    }

    @Test
    void backgroundChildHoldingOnlyStderrIsKilledToo() throws Exception {
        Sink sink = new Sink();
        long start = System.nanoTime();
        ExecutionResult r = new ShellExecutor().execute(ctx("sleep 300 >/dev/null & echo $!", Map.of(), sink,
                new ExecutionControl()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

        assertThat(r.success()).isTrue();
        assertAllDead(pidsFrom(sink.at(LogLevel.INFO)));
    }

    @Test
    void backgroundChildrenOutliveNoAttemptEvenWithoutPipes() throws Exception {
        // The attempt owns its process group: leftovers die when the shell exits, pipes or not.
        Sink sink = new Sink();
        ExecutionResult r = new ShellExecutor().execute(ctx(
                "sleep 300 >/dev/null 2>&1 & echo $!; (sh -c 'sleep 300' >/dev/null 2>&1 &)", Map.of(), sink,
                new ExecutionControl()));
        assertThat(r.success()).isTrue();
        assertAllDead(pidsFrom(sink.at(LogLevel.INFO)));
    }

    @Test
    void groupScanFindsReparentedMembers() throws Exception {
        Process p = new ProcessBuilder("setsid", "sh", "-c", "(sh -c 'echo $$; exec sleep 300 >/dev/null 2>&1' &)")
                .redirectErrorStream(true).start();
        long orphan = Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
        seenPids.add(orphan);
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        try {
            assertThat(ProcessTree.groupMembers(p.pid())).extracting(ProcessHandle::pid).containsExactly(orphan);
        } finally {
            ProcessTree.kill(p.toHandle(), ProcessTree.DEFAULT_GRACE);
        }
        assertAllDead(Set.of(orphan));
        assertThat(ProcessTree.groupMembers(p.pid())).isEmpty();
    }

    @Test
    void attemptStoppedBeforeItStartsRunsNothing(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        ExecutionControl control = new ExecutionControl();
        control.stop(StopReason.CANCELLED);

        ExecutionResult r = new ShellExecutor().execute(ctx("touch '" + marker + "'; sleep 300", Map.of(),
                new Sink(), control));

        assertThat(r).isEqualTo(ExecutionResult.failed(null, null, "stopped: CANCELLED"));
        assertThat(marker).doesNotExist();
    }

    @Test
    void stopRacingTheStartAlwaysEndsTheAttempt(@TempDir Path dir) throws Exception {
        // Stops land before, during and after process start / killer registration; whichever
        // order ExecutionControl sees, the process must die and the attempt must not succeed.
        for (int i = 0; i < 15; i++) {
            Path pidFile = dir.resolve("pid" + i);
            ExecutionControl control = new ExecutionControl();
            CompletableFuture<ExecutionResult> f = runAsync(new ShellExecutor(), ctx(
                    "echo $$ > '" + pidFile + "'; exec sleep 300", Map.of(), new Sink(), control));
            Thread.sleep(i * 3L);
            control.stop(StopReason.SHUTDOWN);

            ExecutionResult r = f.get(3, TimeUnit.SECONDS);
            assertThat(r.success()).isFalse();
            assertThat(r.error()).isEqualTo("stopped: SHUTDOWN");
            if (Files.exists(pidFile)) {
                String s = Files.readString(pidFile).trim();
                if (!s.isEmpty()) assertAllDead(pidsFrom(List.of(s)));
            }
        }
    }

    @Test
    void interruptKillsTheTreeAndRethrows() throws Exception {
        Sink sink = new Sink();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                new ShellExecutor().execute(ctx("echo $$; sleep 300 & echo $!; wait", Map.of(), sink,
                        new ExecutionControl()));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.at(LogLevel.INFO).size() == 2);
        Set<Long> pids = pidsFrom(sink.at(LogLevel.INFO));

        t.interrupt();
        t.join(Duration.ofSeconds(2));
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertAllDead(pids);
    }

    @Test
    void processTreeKillReachesChildrenOfAnExitedRoot() throws Exception {
        Process p = new ProcessBuilder("setsid", "sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!")
                .redirectErrorStream(true).start();
        long child = Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
        seenPids.add(child);
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(alive(child)).isTrue();

        ProcessTree.kill(p.toHandle(), ProcessTree.DEFAULT_GRACE);

        assertAllDead(Set.of(child));
    }

    @Test
    void stopWinsOverACleanExit() throws Exception {
        // The shell turns SIGTERM into exit 0; a stopped attempt must still not count as success.
        Sink sink = new Sink();
        ExecutionControl control = new ExecutionControl();
        CompletableFuture<ExecutionResult> f = runAsync(new ShellExecutor(), ctx(
                "trap 'exit 0' TERM; echo ready; sleep 300 & wait", Map.of(), sink, control));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.at(LogLevel.INFO).contains("ready"));

        control.stop(StopReason.TIMED_OUT);
        ExecutionResult r = f.get(3, TimeUnit.SECONDS);

        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("stopped: TIMED_OUT");
    }

    @Test
    void tasksDoNotInheritTheServersOwnSettings() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("PATH", "/usr/bin", "HOME", "/root",
                "COXSWAIN_DB_PASSWORD", "hunter2", "COXSWAIN_JWT_SECRET", "s", "MY_COXSWAIN_NOTE", "kept"));
        ShellExecutor.withoutServerSettings(env);
        assertThat(env).containsOnlyKeys("PATH", "HOME", "MY_COXSWAIN_NOTE");
    }

    // ---- the group dies with the JVM, and is recorded before it runs ---------------------------

    @Test
    void theGroupIsRecordedBeforeTheCommandRunsAndItsLeaderIsTheCommandsShell() throws Exception {
        List<ProcessIdentity> recorded = new ArrayList<>();
        Sink sink = new Sink();
        ObjectNode payload = JSON.createObjectNode().put("command", "echo $$");
        ExecutionResult r = new ShellExecutor().execute(new ExecutionContext(42L, 1, payload, Map.of(), sink,
                new ExecutionControl(), recorded::add));
        assertThat(r.success()).as("%s", r).isTrue();
        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).pid()).as("the recorded leader is the command's shell (pid = group id)")
                .isEqualTo(Long.parseLong(r.result().trim()));
        assertThat(recorded.get(0).bootId()).isEqualTo(ProcessIdentity.currentBootId());
    }

    @Test
    void aGroupThatCannotBeRecordedNeverRunsItsCommand(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        ObjectNode payload = JSON.createObjectNode().put("command", "touch '" + marker + "'");
        ExecutionResult r = new ShellExecutor().execute(new ExecutionContext(42L, 1, payload, Map.of(), new Sink(),
                new ExecutionControl(), leader -> {
                    throw new IllegalStateException("store unreachable");
                }));
        assertThat(r.success()).isFalse();
        assertThat(r.error()).contains("could not record").contains("store unreachable");
        assertThat(marker).doesNotExist();
    }

    /**
     * What happens when the JVM dies, short of killing this one: the write end of the leader's
     * stdin pipe closes. The watcher must then kill the whole group, background children too.
     */
    @Test
    void theWholeGroupDiesWhenTheStdinPipeFromTheJvmCloses() throws Exception {
        Process p = new ProcessBuilder(ShellExecutor.commandLine("echo $$; sleep 300 & echo $!; sleep 300"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        seenPids.add(p.pid());
        p.getOutputStream().write("go\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        Set<Long> pids = pidsFrom(List.of(out.readLine(), out.readLine()));
        assertThat(pids).hasSize(2).contains(p.pid());
        for (long pid : pids) assertThat(alive(pid)).isTrue();

        p.getOutputStream().close(); // as the kernel does for a JVM that was SIGKILLed
        assertAllDead(pids);
    }

    @Test
    void theCommandGetsNeitherTheLifelinePipeNorFdThree() throws Exception {
        // Reading stdin sees EOF at once (it is /dev/null), and fd 3 is closed. Only builtins look
        // at the fds: a pipeline would have the shell itself hold pipe ends (3, 4 …) for a moment.
        ExecutionResult r = run("cat; for f in 0 1 2 3 4 5; do [ -e /proc/$$/fd/$f ] && printf '%s ' $f; done; echo");
        assertThat(r.success()).as("%s", r).isTrue();
        assertThat(r.result().trim().split(" +")).contains("0", "1", "2").doesNotContain("3");
    }
}
