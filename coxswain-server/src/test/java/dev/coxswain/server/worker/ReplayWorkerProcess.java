package dev.coxswain.server.worker;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link ReplayWorkerMain} started as a JVM of its own — the JDK running the tests, the tests'
 * class path, as the server process tests start the server — so a test can SIGKILL a worker.
 * Only the process started here is ever signalled, through its own {@link Process} handle.
 */
final class ReplayWorkerProcess implements AutoCloseable {
    final Process process;
    final Path stdout;
    final Path stderr;

    private ReplayWorkerProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The master token goes through the environment, never the command line. */
    static ReplayWorkerProcess launch(Path logDir, URI base, String workerId, String masterToken) throws IOException {
        return launch(logDir, workerId, ReplayWorkerMain.class, List.of(base.toString(), workerId),
                java.util.Map.of(ReplayWorkerMain.TOKEN_ENV, masterToken));
    }

    /**
     * Any test main class (a worker of some kind) as its own JVM, named {@code name} for its log
     * files; secrets go in {@code env}.
     */
    static ReplayWorkerProcess launch(Path logDir, String name, Class<?> mainClass, List<String> args,
                                      java.util.Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs the tests"));
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("COXSWAIN_"));
        pb.environment().putAll(env);
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".stdout.log");
        Path err = logDir.resolve(name + ".stderr.log");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new ReplayWorkerProcess(pb.start(), out, err);
    }

    /** The first stdout line starting with {@code prefix}; fails with the output if the process dies first. */
    String awaitLine(String prefix, Duration max) throws IOException, InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(stdout)) {
                for (String l : Files.readAllLines(stdout, StandardCharsets.UTF_8)) if (l.startsWith(prefix)) return l;
            }
            if (!process.isAlive()) break;
            Thread.sleep(50);
        }
        throw new AssertionError("no line '" + prefix + "' from the worker process (alive: " + process.isAlive() + ")\n" + output());
    }

    /** SIGKILL (destroyForcibly is kill(pid, SIGKILL) on Linux); waits for the exit. */
    void sigkill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the worker process survived SIGKILL");
    }

    String stdoutText() throws IOException {
        return Files.exists(stdout) ? Files.readString(stdout) : "";
    }

    String output() throws IOException {
        return "stdout:\n" + stdoutText() + "\nstderr:\n" + (Files.exists(stderr) ? Files.readString(stderr) : "");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
