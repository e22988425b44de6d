package dev.coxswain.core.files;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Files in an S3-compatible bucket (AWS S3, MinIO, SeaweedFS, S3Proxy …) through the AWS SDK's
 * synchronous client over the JDK's HTTP client.
 *
 * <p>Uploads stream: a body that fits one part ({@value #PART_SIZE} bytes) is one PutObject;
 * a longer one, or one of unknown length, is a multipart upload sent part by part, so an upload
 * holds at most one part in memory. A failed multipart upload is aborted, leaving nothing behind.
 *
 * <p>Checksums are computed and validated only when S3 requires them: since 2.30 the SDK adds
 * CRC32 trailers by default, which several S3-compatible servers do not understand.
 */
public final class S3BlobStore implements BlobStore {
    /** Bytes per part of a multipart upload (S3's minimum is 5 MiB, except for the last part). */
    public static final int PART_SIZE = 8 * 1024 * 1024;
    /** S3 allows at most this many parts per upload. */
    private static final int MAX_PARTS = 10_000;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final int partSize;

    /** A store with its own client and presigner (closed with the store). */
    public static S3BlobStore open(S3Settings s) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofMinutes(2)))
                .region(Region.of(s.region()))
                .forcePathStyle(s.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (s.endpoint() != null) b.endpointOverride(s.endpoint());
        if (s.accessKey() != null && s.secretKey() != null) {
            b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey())));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        S3Client client = b.build();
        S3Presigner.Builder pb = S3Presigner.builder()
                .s3Client(client)
                .region(Region.of(s.region()))
                .credentialsProvider(client.serviceClientConfiguration().credentialsProvider())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(s.pathStyle()).build());
        if (s.endpoint() != null) pb.endpointOverride(s.endpoint());
        S3Presigner presigner = pb.build();
        S3BlobStore store = new S3BlobStore(client, presigner, s.bucket(), PART_SIZE);
        try {
            if (s.createBucket()) store.ensureBucket();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** @param partSize bytes per multipart part, at least 5 MiB on a real S3 */
    public S3BlobStore(S3Client s3, S3Presigner presigner, String bucket, int partSize) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.partSize = partSize;
    }

    /** Creates the bucket when it does not exist. */
    public void ensureBucket() {
        try {
            s3.headBucket(r -> r.bucket(bucket));
            return;
        } catch (S3Exception e) {
            if (e.statusCode() != 404) throw failure("cannot reach bucket " + bucket, e);
        } catch (SdkException e) {
            throw failure("cannot reach bucket " + bucket, e);
        }
        try {
            s3.createBucket(r -> r.bucket(bucket));
        } catch (S3Exception e) {
            // Another node created it meanwhile.
            if (!"BucketAlreadyOwnedByYou".equals(e.awsErrorDetails().errorCode())) throw failure("cannot create bucket " + bucket, e);
        } catch (SdkException e) {
            throw failure("cannot create bucket " + bucket, e);
        }
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public PresignedUrl presignPut(String key, Duration ttl) {
        FileKeys.checkKey(key);
        try {
            var p = presigner.presignPutObject(r -> r.signatureDuration(ttl).putObjectRequest(o -> o.bucket(bucket).key(key)));
            return new PresignedUrl(p.url().toString(), "PUT", p.expiration());
        } catch (SdkException e) {
            throw failure("cannot presign " + key, e);
        }
    }

    @Override
    public PresignedUrl presignGet(String key, Duration ttl) {
        FileKeys.checkKey(key);
        try {
            var p = presigner.presignGetObject(r -> r.signatureDuration(ttl).getObjectRequest(o -> o.bucket(bucket).key(key)));
            return new PresignedUrl(p.url().toString(), "GET", p.expiration());
        } catch (SdkException e) {
            throw failure("cannot presign " + key, e);
        }
    }

    @Override
    public StoredBlob put(String key, InputStream body, long contentLengthOrMinus1) throws IOException {
        FileKeys.checkKey(key);
        int size = partSize;
        if (contentLengthOrMinus1 > (long) partSize * MAX_PARTS) {
            size = (int) Math.min(Integer.MAX_VALUE - 8, (contentLengthOrMinus1 + MAX_PARTS - 1) / MAX_PARTS);
        }
        // A body known to be shorter than a part gets a buffer of its length (+1 to notice one
        // that runs longer than it said), not a whole part.
        boolean small = contentLengthOrMinus1 >= 0 && contentLengthOrMinus1 < size;
        byte[] buf = new byte[small ? (int) contentLengthOrMinus1 + 1 : size];
        int first = body.readNBytes(buf, 0, buf.length);
        if (first < buf.length) {
            checkLength(first, contentLengthOrMinus1);
            putSingle(key, buf, first);
            return new StoredBlob(key, uri(key), first);
        }
        if (small) throw new IOException("the body is longer than its Content-Length " + contentLengthOrMinus1);
        return putMultipart(key, body, buf, first, contentLengthOrMinus1);
    }

    private static void checkLength(long got, long expected) throws IOException {
        if (expected >= 0 && got != expected) {
            throw new IOException(got > expected ? "the body is longer than its Content-Length " + expected
                    : "the body ended after " + got + " of " + expected + " bytes");
        }
    }

    private void putSingle(String key, byte[] buf, int len) {
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).contentLength((long) len), bytes(buf, len));
        } catch (SdkException e) {
            throw failure("cannot store " + key, e);
        }
    }

    /** The buffer as a body the SDK may read more than once (payload signing, retries) without copying it. */
    private static RequestBody bytes(byte[] buf, int len) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buf, 0, len), len, "application/octet-stream");
    }

    private StoredBlob putMultipart(String key, InputStream body, byte[] buf, int filled, long expected) throws IOException {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        } catch (SdkException e) {
            throw failure("cannot start an upload of " + key, e);
        }
        boolean done = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long total = 0;
            int n = filled;
            while (n > 0) {
                int partNumber = parts.size() + 1;
                if (partNumber > MAX_PARTS) throw new IOException("the file needs more than " + MAX_PARTS + " parts of " + buf.length + " bytes");
                total += n;
                if (expected >= 0 && total > expected) throw new IOException("the body is longer than its Content-Length " + expected);
                final int len = n;
                String etag;
                try {
                    etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                            .contentLength((long) len), bytes(buf, len)).eTag();
                } catch (SdkException e) {
                    throw failure("cannot store part " + partNumber + " of " + key, e);
                }
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
                n = body.readNBytes(buf, 0, buf.length);
            }
            checkLength(total, expected);
            try {
                s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            } catch (SdkException e) {
                throw failure("cannot complete the upload of " + key, e);
            }
            done = true;
            return new StoredBlob(key, uri(key), total);
        } finally {
            if (!done) abort(key, uploadId);
        }
    }

    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            // The bucket's lifecycle rule (or a later cleanup) removes the parts; the upload's own
            // failure is what the caller needs to hear about.
        }
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        FileKeys.checkKey(key);
        try {
            HeadObjectResponse h = s3.headObject(r -> r.bucket(bucket).key(key));
            return Optional.of(new BlobInfo(key, h.contentLength(), h.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw failure("cannot read " + key, e);
        } catch (SdkException e) {
            throw failure("cannot read " + key, e);
        }
    }

    @Override
    public InputStream open(String key) {
        FileKeys.checkKey(key);
        try {
            return s3.getObject(r -> r.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw new BlobNotFoundException(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) throw new BlobNotFoundException(key);
            throw failure("cannot read " + key, e);
        } catch (SdkException e) {
            throw failure("cannot read " + key, e);
        }
    }

    @Override
    public void deleteTree(String prefix) {
        FileKeys.checkPrefix(prefix);
        try {
            var pages = s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build());
            for (var page : pages) {
                List<ObjectIdentifier> ids = new ArrayList<>();
                for (S3Object o : page.contents()) ids.add(ObjectIdentifier.builder().key(o.key()).build());
                if (ids.isEmpty()) continue;
                var answer = s3.deleteObjects(r -> r.bucket(bucket).delete(Delete.builder().objects(ids).quiet(true).build()));
                if (answer.hasErrors() && !answer.errors().isEmpty()) {
                    throw new BlobStoreException("cannot delete " + answer.errors().getFirst().key() + ": "
                            + answer.errors().getFirst().code(), null);
                }
            }
        } catch (SdkException e) {
            throw failure("cannot delete " + prefix, e);
        }
    }

    @Override
    public String uri(String key) {
        return "s3://" + bucket + "/" + FileKeys.checkKey(key);
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }

    /**
     * The SDK's message names the operation, status and S3 error code, never the credentials;
     * it is kept short for logs.
     */
    private static BlobStoreException failure(String what, SdkException e) {
        String detail = e instanceof S3Exception s && s.awsErrorDetails() != null
                ? s.statusCode() + " " + s.awsErrorDetails().errorCode() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new BlobStoreException(what + ": " + detail, e);
    }
}
