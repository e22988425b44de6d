package dev.coxswain.core.files;

/** What {@link BlobStore#put} stored: the key, its {@code s3://} URI and the byte count. */
public record StoredBlob(String key, String uri, long size) {
}
