package dev.coxswain.core.store;

/**
 * Encrypts secrets the store keeps (webhook secrets, environment values) so the database files
 * and dumps do not hold them in clear. {@code SecretBox} is the real one; {@link #NONE} keeps
 * values as they are, for engines built without a key (tests, benchmarks).
 */
public interface Sealer {
    Sealer NONE = new Sealer() {
        @Override
        public String seal(String plain) {
            return plain;
        }

        @Override
        public String open(String sealed) {
            throw new IllegalStateException("a stored secret is encrypted, and this engine has no secret key");
        }

        @Override
        public boolean isSealed(String value) {
            return false;
        }
    };

    String seal(String plain);

    /** @throws IllegalStateException when it cannot be opened (without saying more) */
    String open(String sealed);

    /** Whether the value has this sealer's sealed form (rows written before sealing existed do not). */
    boolean isSealed(String value);
}
