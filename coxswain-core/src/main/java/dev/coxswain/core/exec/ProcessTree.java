package dev.coxswain.core.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Kills a process and everything it started, on Linux.
 *
 * <p>Contract: {@code root} was started through {@code setsid}, so it leads its own session and
 * process group and its pid is the process-group id. Signalling the group reaches every process
 * still in it, including ones whose parent already died (reparented to init, so invisible to
 * {@link ProcessHandle#descendants()}) and ones whose root already exited. Descendants that moved
 * to another group (setsid/setpgid of their own) are reached through the pid snapshot instead,
 * as long as they were still attached to the tree when the snapshot was taken.
 *
 * <p>Never kills by name: only the group id and the pids (with start-time checked handles) of
 * this tree are ever signalled.
 */
public final class ProcessTree {
    /** Time between SIGTERM and SIGKILL when the caller has no better idea. */
    public static final Duration DEFAULT_GRACE = Duration.ofMillis(300);

    private static final Logger LOG = Logger.getLogger(ProcessTree.class.getName());
    /** How long we wait for the {@code kill} helper itself; it exits in milliseconds. */
    private static final long KILL_HELPER_TIMEOUT_MS = 500;
    private static final long POLL_MS = 10;

    private ProcessTree() {
    }

    public static void kill(ProcessHandle root) {
        kill(root, DEFAULT_GRACE);
    }

    /**
     * SIGTERM the tree, wait up to {@code grace} for it to go away, SIGKILL whatever is left.
     * Blocks for at most about {@code grace} plus two short helper spawns. Never throws for
     * processes that are already gone.
     */
    public static void kill(ProcessHandle root, Duration grace) {
        long pgid = root.pid();
        // Snapshot first: once the shell dies its children are reparented and descendants()
        // can no longer find them. descendants() already walks all levels. The group scan adds
        // members that were reparented already (double forks, or the root itself is gone).
        List<ProcessHandle> known = new ArrayList<>();
        known.add(root);
        root.descendants().forEach(known::add);
        List<ProcessHandle> members = groupMembers(pgid);
        if (members != null) known.addAll(members);
        // Common case after a normal exit: nothing left, so don't spawn kill helpers at all.
        // (An empty group cannot gain members, so skipping is safe; if /proc was unreadable we
        // don't know, and signal anyway.)
        if (members != null && !anyAlive(known)) return;

        signalGroup("TERM", pgid);
        for (ProcessHandle h : known) h.destroy();

        long deadline = System.nanoTime() + grace.toNanos();
        boolean interrupted = false;
        while (anyAlive(known) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                // Finish the kill anyway (a half-killed tree is worse), restore the flag after.
                interrupted = true;
                break;
            }
        }

        // Always SIGKILL the group, even if every known pid is gone: members forked after the
        // snapshot (e.g. by a TERM trap) are unknown, and only the kernel's group kill is atomic.
        signalGroup("KILL", pgid);
        for (ProcessHandle h : known) {
            if (running(h)) h.destroyForcibly();
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * Live processes whose process group is {@code pgid}, from {@code /proc/<pid>/stat}; null if
     * /proc can't be listed. The handle is taken before the stat is read, so a pid recycled in
     * between yields a handle to the new process whose stat we then check, never a stale match.
     */
    static List<ProcessHandle> groupMembers(long pgid) {
        List<ProcessHandle> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                long pid;
                try {
                    pid = Long.parseLong(name);
                } catch (NumberFormatException e) {
                    continue;
                }
                Optional<ProcessHandle> h = ProcessHandle.of(pid);
                if (h.isEmpty()) continue;
                String[] f = statFields(pid);
                if (f != null && !isZombie(f) && f[2].equals(Long.toString(pgid))) out.add(h.get());
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return out;
    }

    /**
     * {state, ppid, pgrp, rest} from /proc/<pid>/stat, or null if gone/unreadable. The comm field
     * may contain spaces and ')', so split after the last ')'.
     */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
            return f.length == 4 ? f : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isZombie(String[] f) {
        return f[0].equals("Z") || f[0].equals("X");
    }

    /**
     * Alive and not a zombie. isAlive() is true for zombies, and killed orphans stay zombies until
     * init reaps them (seconds, with some inits); waiting on those would always burn the grace.
     */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) return false;
        String[] f = statFields(h.pid());
        return f == null ? h.isAlive() : !isZombie(f);
    }

    private static boolean anyAlive(List<ProcessHandle> handles) {
        for (ProcessHandle h : handles) if (running(h)) return true;
        return false;
    }

    /**
     * Java has no killpg, so spawn {@code kill -SIG -- -pgid}. Failure is expected and ignored
     * when the group is already empty (ESRCH). The id stays reserved by the kernel while any
     * group member lives, so it cannot point at an unrelated group while ours is non-empty.
     */
    private static void signalGroup(String signal, long pgid) {
        // pgid 0 or 1 would mean "my own group" / "every process I may signal": never.
        if (pgid <= 1 || pgid == ProcessHandle.current().pid()) return;
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(KILL_HELPER_TIMEOUT_MS, TimeUnit.MILLISECONDS)) p.destroyForcibly();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not run kill for process group " + pgid, e);
        } catch (InterruptedException e) {
            // The signal was most likely sent already; keep going and let the caller see the flag.
            Thread.currentThread().interrupt();
        }
    }
}
