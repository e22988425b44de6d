package dev.coxswain.core.files;

import java.net.URI;

/**
 * How to reach an S3-compatible store.
 *
 * @param endpoint     e.g. {@code http://127.0.0.1:9000}; null: AWS's own endpoint for the region
 * @param pathStyle    {@code http://host/bucket/key} rather than {@code http://bucket.host/key}
 *                     (what MinIO, SeaweedFS and most self-hosted servers need)
 * @param createBucket create the bucket at start when it does not exist
 */
public record S3Settings(URI endpoint, String region, String bucket, String accessKey, String secretKey,
                         boolean pathStyle, boolean createBucket) {
    public S3Settings {
        if (bucket == null || bucket.isBlank()) throw new IllegalArgumentException("the S3 bucket is required");
        if (region == null || region.isBlank()) throw new IllegalArgumentException("the S3 region is required");
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", pathStyle=" + pathStyle
                + ", credentials=" + (accessKey == null ? "default chain" : "configured") + "]";
    }
}
