package dev.coxswain.server;

import dev.coxswain.core.Json;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.workflow.StoredBlueprint;
import dev.coxswain.core.workflow.WorkflowService;
import dev.coxswain.core.workflow.blueprint.BlueprintInvalidException;
import dev.coxswain.core.workflow.blueprint.Blueprints;
import dev.coxswain.core.workflow.blueprint.Problem;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The {@code blueprints-dir} setting: at start every {@code *.json}, {@code *.yaml} and
 * {@code *.yml} file in the directory (not its subdirectories) is registered, in file-name order.
 *
 * <p>Every file is read and validated before any is registered, so a directory with one bad file
 * registers nothing and the start fails with every problem of every bad file. A file whose
 * definition equals the newest stored version of its blueprint is skipped, so restarts do not
 * pile up versions; one that differs becomes the next version. Two files naming the same
 * blueprint are refused: each restart would otherwise register both again, one over the other.
 */
final class BlueprintsDirectory {
    private static final Logger LOG = Logger.getLogger(BlueprintsDirectory.class.getName());
    /** Who the stored versions say registered them. */
    static final String BY = "blueprints-dir";
    /** Far above any real blueprint; keeps a stray large file from being read whole. */
    static final long MAX_FILE_BYTES = 4L << 20;

    /** The directory cannot be loaded; the message names each file and each of its problems. */
    static final class LoadException extends RuntimeException {
        LoadException(String message) {
            super(message);
        }
    }

    /** What happened to each file. */
    record Outcome(List<String> registered, List<String> unchanged) {
    }

    private record Loaded(Path file, String format, String source, String name, String definition) {
    }

    private final WorkflowService workflows;
    private final Path dir;

    BlueprintsDirectory(WorkflowService workflows, Path dir) {
        this.workflows = workflows;
        this.dir = dir;
    }

    Outcome load() {
        List<Loaded> files = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, Path> byName = new LinkedHashMap<>();
        for (Path f : files()) {
            Loaded l = read(f, failures);
            if (l == null) continue;
            Path other = byName.putIfAbsent(l.name(), f);
            if (other != null) {
                failures.add(f.getFileName() + ": blueprint '" + l.name() + "' is also defined by " + other.getFileName());
                continue;
            }
            files.add(l);
        }
        if (!failures.isEmpty()) {
            throw new LoadException("blueprints-dir " + dir + ": nothing was registered:\n  " + String.join("\n  ", failures));
        }
        List<String> registered = new ArrayList<>(), unchanged = new ArrayList<>();
        for (Loaded l : files) {
            if (l.definition().equals(newest(l.name()))) {
                unchanged.add(l.name());
                continue;
            }
            try {
                WorkflowService.Registered r = workflows.register(l.source(), l.format(), BY);
                registered.add(r.blueprint().name() + " v" + r.blueprint().version());
                for (Problem w : r.warnings()) LOG.info(l.file().getFileName() + ": warning: " + w.path() + ": " + w.message());
            } catch (BlueprintInvalidException e) {
                // Valid alone, refused beside the stored ones (an endpoint another blueprint serves).
                throw new LoadException("blueprints-dir " + dir + ": " + l.file().getFileName() + " was not registered"
                        + (registered.isEmpty() ? "" : " (registered before it: " + registered + ")") + ":\n  "
                        + String.join("\n  ", problems(e)));
            }
        }
        LOG.info("blueprints-dir " + dir + ": registered " + registered + ", unchanged " + unchanged);
        return new Outcome(registered, unchanged);
    }

    /** The blueprint files, by file name. */
    private List<Path> files() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> format(p) != null)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new LoadException("blueprints-dir " + dir + " cannot be read: " + e.getMessage());
        }
    }

    private static String format(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".json")) return "json";
        if (n.endsWith(".yaml") || n.endsWith(".yml")) return "yaml";
        return null;
    }

    /** The file parsed and validated on its own; null (with the failures noted) when it is not usable. */
    private static Loaded read(Path f, List<String> failures) {
        String name = f.getFileName().toString();
        String source;
        try {
            if (Files.size(f) > MAX_FILE_BYTES) {
                failures.add(name + ": larger than " + MAX_FILE_BYTES + " bytes");
                return null;
            }
            source = Files.readString(f);
        } catch (CharacterCodingException e) {
            failures.add(name + ": not UTF-8 text");
            return null;
        } catch (IOException e) {
            failures.add(name + ": cannot be read: " + e.getMessage());
            return null;
        }
        String format = format(f);
        try {
            // Skills and sub-blueprints are not checked here: those are warnings, given when registering.
            var loaded = Blueprints.load(source, format, null, null);
            return new Loaded(f, format, source, loaded.blueprint().name(), Json.write(loaded.blueprint().definition()));
        } catch (BlueprintInvalidException e) {
            for (String p : problems(e)) failures.add(name + ": " + p);
            return null;
        }
    }

    private static List<String> problems(BlueprintInvalidException e) {
        List<String> out = new ArrayList<>();
        for (Problem p : e.getProblems()) out.add(p.path() + ": " + p.message() + (p.isError() ? "" : " (warning)"));
        return out;
    }

    /** The newest stored version's definition as JSON text, or null when there is none. */
    private String newest(String name) {
        try {
            StoredBlueprint b = workflows.blueprint(name);
            return Json.write(b.blueprint().definition());
        } catch (NotFoundException e) {
            return null;
        }
    }
}
