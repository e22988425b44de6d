package dev.coxswain.server.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a worker's step handlers did, in the worker's own words: one line per event
 * ({@code start}, {@code done}, {@code cancelled}) with the worker, the workflow job, the state,
 * Coxswain's task id and the attempt. Each worker appends to a file of its own, so the test can
 * count how often a step really ran, whatever the server believes (and even after the worker was
 * SIGKILLed: a line is one {@code write}, and a line cut short is skipped when read).
 */
final class StepRecords {
    /** One recorded event. */
    record Run(String event, String worker, String job, String state, String task, int attempt) {
        boolean is(String event, String job, String state) {
            return this.event.equals(event) && this.job.equals(job) && this.state.equals(state);
        }
    }

    private final Path file;

    StepRecords(Path file) {
        this.file = file;
    }

    /** Appends one line with a single write, so a concurrent reader sees whole lines or none. */
    synchronized void append(String event, String worker, String job, String state, String task, int attempt) {
        String line = String.join(" ", event, worker, job, state, task, Integer.toString(attempt)) + "\n";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a step run in " + file, e);
        }
    }

    /** Every whole line of every file, in file order. */
    static List<Run> read(List<Path> files) {
        List<Run> out = new ArrayList<>();
        for (Path f : files) {
            if (!Files.exists(f)) continue;
            try {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n'); // a last line without its newline was cut short
                if (end < 0) continue;
                for (String line : text.substring(0, end).split("\n")) {
                    String[] w = line.split(" ");
                    if (w.length != 6) continue;
                    out.add(new Run(w[0], w[1], w[2], w[3], w[4], Integer.parseInt(w[5])));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    static List<Run> matching(List<Run> runs, Predicate<Run> p) {
        return runs.stream().filter(p).toList();
    }
}
