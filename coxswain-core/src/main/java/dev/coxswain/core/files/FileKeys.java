package dev.coxswain.core.files;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The names files may have and the keys they are stored under ({@code jobs/<job_id>/<filename>}).
 * Every check throws {@link InvalidFileNameException} with a message fit for a 400 answer.
 *
 * <p>A filename is one path segment: it becomes part of an S3 key and, in the local store, of a
 * file path, so anything that could climb out of the job's folder or confuse either is refused.
 */
public final class FileKeys {
    /** Longest filename in UTF-8 bytes (the common file-system limit for one name). */
    public static final int MAX_FILENAME_BYTES = 255;
    /** Longest key in UTF-8 bytes (S3's limit). */
    public static final int MAX_KEY_BYTES = 1024;
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private FileKeys() {
    }

    /** {@code jobs/<jobId>/<filename>}, both checked. */
    public static String jobFile(String jobId, String filename) {
        return jobPrefix(jobId) + checkFilename(filename);
    }

    /** {@code jobs/<jobId>/}: every file of the job (for {@link BlobStore#deleteTree}). */
    public static String jobPrefix(String jobId) {
        return "jobs/" + checkJobId(jobId) + "/";
    }

    /** Letters, digits, {@code _} and {@code -}, 1 to 128 of them (a UUID or {@code job-7}). */
    public static String checkJobId(String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new InvalidFileNameException("invalid job id");
        }
        return jobId;
    }

    /**
     * Non-empty, at most {@value #MAX_FILENAME_BYTES} UTF-8 bytes, not {@code .} or {@code ..},
     * without {@code /}, {@code \} or control characters.
     */
    public static String checkFilename(String name) {
        if (name == null || name.isEmpty()) throw new InvalidFileNameException("filename is required");
        checkSegment(name, "filename");
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_FILENAME_BYTES) {
            throw new InvalidFileNameException("filename is longer than " + MAX_FILENAME_BYTES + " bytes");
        }
        return name;
    }

    /** A whole key: {@code /}-separated segments, each a valid filename; no leading or trailing {@code /}. */
    public static String checkKey(String key) {
        if (key == null || key.isEmpty()) throw new InvalidFileNameException("key is required");
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new InvalidFileNameException("key is longer than " + MAX_KEY_BYTES + " bytes");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) throw new InvalidFileNameException("key has an empty segment");
            checkFilename(segment);
        }
        return key;
    }

    /** A key prefix for {@link BlobStore#deleteTree}: a valid key followed by {@code /}. */
    public static String checkPrefix(String prefix) {
        if (prefix == null || !prefix.endsWith("/")) throw new InvalidFileNameException("a prefix ends with /");
        checkKey(prefix.substring(0, prefix.length() - 1));
        return prefix;
    }

    private static void checkSegment(String name, String what) {
        if (name.equals(".") || name.equals("..")) throw new InvalidFileNameException(what + " must not be . or ..");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') throw new InvalidFileNameException(what + " must not contain / or \\");
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw new InvalidFileNameException(what + " must not contain control characters");
            }
        }
        // Lone surrogates cannot be encoded: UTF-8 would turn them into '?', and two names into one key.
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
            throw new InvalidFileNameException(what + " is not valid Unicode");
        }
    }
}
