package dev.coxswain.core.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One process as the kernel knows it: its pid, when it started (clock ticks since boot, field 22
 * of {@code /proc/<pid>/stat}) and which boot of which machine that was. A recycled pid has
 * another start time, and a record from another boot or host has another boot id, so a matching
 * identity is the very process that was recorded.
 */
public record ProcessIdentity(long pid, long startTicks, String bootId) {
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** The running process with this pid, or empty if there is none (or /proc cannot tell). */
    public static Optional<ProcessIdentity> of(long pid) {
        Stat s = Stat.read(pid);
        String boot = currentBootId();
        return s == null || boot == null ? Optional.empty() : Optional.of(new ProcessIdentity(pid, s.startTicks, boot));
    }

    /** This machine's current boot id, or null if unreadable. */
    public static String currentBootId() {
        try {
            return Files.readString(BOOT_ID).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Where this process stands now. */
    public enum State {
        /** Exited (or a zombie), or the pid now belongs to another process, or another boot's. */
        GONE,
        /** Runs as a child of this JVM: an attempt of this very process, not a leftover. */
        CHILD_OF_THIS_JVM,
        /** Runs, and its parent is not this JVM. */
        RUNS
    }

    public State state() {
        if (!bootId.equals(currentBootId())) return State.GONE;
        Stat s = Stat.read(pid);
        if (s == null || s.startTicks != startTicks || s.zombie) return State.GONE;
        return s.ppid == ProcessHandle.current().pid() ? State.CHILD_OF_THIS_JVM : State.RUNS;
    }

    /** The fields of {@code /proc/<pid>/stat} this needs. */
    private record Stat(long ppid, long startTicks, boolean zombie) {
        static Stat read(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // comm (field 2) may hold spaces and ')': the fields after it start past the last ')'.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // f[0] is field 3 (state), so field n is f[n - 3].
                return new Stat(Long.parseLong(f[1]), Long.parseLong(f[19]), f[0].equals("Z") || f[0].equals("X"));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
