package dev.coxswain.server.face;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.IdempotencyService;
import dev.coxswain.core.service.IdempotencyService.Answer;
import dev.coxswain.core.store.InTx;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The create routes of one face: with an {@code Idempotency-Key} header the create runs through
 * {@link IdempotencyService} (replayed, recorded with the row, or refused in the face's format);
 * without one it just runs. A replay carries {@code Idempotent-Replayed: true}.
 */
public final class FaceCreates {
    public static final HeaderName KEY = HeaderNames.create("Idempotency-Key");
    public static final HeaderName REPLAYED = HeaderNames.create("Idempotent-Replayed");
    /** Stripe's limit; visible ASCII, so a key is never mangled by a proxy or a log line. */
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final IdempotencyService idempotency;
    private final FaceErrors<?> errors;

    public FaceCreates(IdempotencyService idempotency, FaceErrors<?> errors) {
        this.idempotency = idempotency;
        this.errors = errors;
    }

    /**
     * Runs a create and sends its answer.
     *
     * @param create the service's create, given the hook to run in its transaction
     * @param answer renders what was created (inside the transaction: compute only)
     */
    public <T> void respond(ServerRequest req, ServerResponse res, Principal who, Function<InTx<T>, T> create,
                            Function<T, Answer> answer) {
        String key = req.headers().first(KEY).orElse(null);
        if (key == null) {
            Answer a = answer.apply(create.apply(InTx.none()));
            Respond.jsonText(res, a.status(), a.body());
            return;
        }
        if (!VALID.matcher(key).matches()) throw errors.badIdempotencyKey("must be 1 to 255 visible ASCII characters");
        IdempotencyService.Outcome o = idempotency.create(new IdempotencyService.Request(who.id(), key, fingerprint(req)),
                create, answer);
        if (o.replayed()) res.header(REPLAYED, "true");
        Respond.jsonText(res, o.status(), o.body());
    }

    /** An answer sent as it is and recorded as it is. */
    public static Answer json(int status, JsonNode body) {
        return Answer.of(status, Json.write(body));
    }

    /**
     * An answer that shows a secret once: the recorded copy has {@code null} at {@code field} of
     * {@code holder}, so a secret is never stored in clear (a replay shows it as null).
     */
    public static Answer jsonShowingOnce(int status, JsonNode body, ObjectNode holder, String field) {
        String sent = Json.write(body);
        JsonNode secret = holder.get(field);
        holder.putNull(field);
        String stored = Json.write(body);
        holder.set(field, secret);
        return new Answer(status, sent, stored);
    }

    /** Method, path and body: the same key with anything else is another request. */
    static String fingerprint(ServerRequest req) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((req.prologue().method().text() + " " + req.path().path() + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(Bodies.readBefore(req));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
