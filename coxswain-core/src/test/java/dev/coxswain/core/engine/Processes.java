package dev.coxswain.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Processes a shell task reported by writing their pids to a file. Handles are taken while the
 * processes are known to be alive, so a pid recycled later is never mistaken for one of them.
 * {@link #close()} SIGKILLs any survivor so a failing test leaves no sleepers behind.
 */
final class Processes implements AutoCloseable {
    private final List<ProcessHandle> handles = new ArrayList<>();

    /** Waits for {@code file} (written with write-then-rename) and takes handles on the pids in it. */
    List<ProcessHandle> read(Path file) throws IOException {
        await("pid file " + file.getFileName()).atMost(EngineHarness.WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(file));
        List<ProcessHandle> out = new ArrayList<>();
        for (String pid : Files.readString(file).trim().split("\\s+")) {
            Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(pid));
            assertThat(h).as("process %s from %s is alive", pid, file.getFileName()).isPresent();
            assertThat(running(h.get())).as("process %s is running", pid).isTrue();
            out.add(h.get());
        }
        handles.addAll(out);
        return out;
    }

    /**
     * Alive and not a zombie: killed orphans are reparented to init and may stay zombies until it
     * reaps them, which says nothing about whether the kill worked.
     */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return h.isAlive();
        }
    }

    static List<Long> stillRunning(List<ProcessHandle> hs) {
        return hs.stream().filter(Processes::running).map(ProcessHandle::pid).toList();
    }

    @Override
    public void close() {
        for (ProcessHandle h : handles) if (h.isAlive()) h.destroyForcibly();
    }
}
