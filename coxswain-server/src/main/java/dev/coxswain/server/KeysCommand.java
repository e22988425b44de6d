package dev.coxswain.server;

import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.service.ApiKeyService;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.ApiKeyStore;
import dev.coxswain.core.store.Database;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code coxswain keys create|list|revoke}: API key management straight on the store (the data
 * directory or the PostgreSQL database), for bootstrapping and for when the API is not at hand.
 * Works while a server runs on the same store.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys on the store.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Where the store is: the same settings as {@code serve}. */
    static final class StoreOptions {
        @Option(names = "--config", description = "YAML config file (as for serve)")
        Path config;
        @Option(names = "--data-dir", description = "data directory (default ./data; env COXSWAIN_DATA_DIR)")
        String dataDir;
        @Option(names = "--db-url", description = "PostgreSQL JDBC URL (env COXSWAIN_DB_URL)")
        String dbUrl;
        @Option(names = "--db-user", description = "PostgreSQL user (env COXSWAIN_DB_USER)")
        String dbUser;

        Database open() {
            Map<String, String> flags = new LinkedHashMap<>();
            flags.put("data-dir", dataDir);
            flags.put("db-url", dbUrl);
            flags.put("db-user", dbUser);
            ServerConfig cfg = ConfigLoader.load(config, System.getenv(), flags);
            return cfg.dbUrl() == null ? Database.sqlite(cfg.dataDir(), cfg.sqliteFullSync())
                    : Database.postgres(cfg.dbUrl(), cfg.dbUser(), cfg.dbPassword(), 1, 1);
        }
    }

    /** Runs an action on the key service, turning rule violations into a message and exit code 1. */
    abstract static class KeyAction implements Callable<Integer> {
        @Mixin
        StoreOptions store = new StoreOptions();

        @Override
        public Integer call() {
            LogSetup.toStdout(java.util.logging.Level.WARNING); // the key listing is the output, not start-up chatter
            try (Database db = store.open()) {
                return run(new ApiKeyService(db, new ApiKeyStore(), Clock.systemUTC()), System.out);
            } catch (ValidationException e) {
                System.err.println("coxswain: invalid key: " + e.fields());
                return 1;
            } catch (NotFoundException | ConflictException | ConfigLoader.ConfigException e) {
                System.err.println("coxswain: " + e.getMessage());
                return 1;
            }
        }

        abstract int run(ApiKeyService keys, PrintStream out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; its secret is printed once.")
    static final class Create extends KeyAction {
        @Option(names = "--name", required = true, description = "what the key is for")
        String name;
        @Option(names = "--scopes", split = ",", required = true,
                description = "comma-separated: admin, tasks:write, tasks:read, jobs:write, sql:custom, workers, read")
        List<String> scopes;
        @Option(names = "--tier", defaultValue = "starter", description = "starter, pro, team, business or unlimited (default starter)")
        String tier;
        @Option(names = "--worker-id", description = "bind the key to one worker id (an individual X-Worker-Token)")
        String workerId;

        @Override
        int run(ApiKeyService keys, PrintStream out) {
            Set<String> s = new LinkedHashSet<>(scopes);
            ApiKeyService.Created c = keys.create(new ApiKeyService.NewKey(name, s, tier, workerId));
            out.println("created key-" + c.key().id() + " (" + c.key().name() + ", scopes " + String.join(",", c.key().scopes())
                    + ", tier " + c.key().tier().wire() + ")");
            out.println("secret (shown once): " + c.secret());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys extends KeyAction {
        @Override
        int run(ApiKeyService keys, PrintStream out) {
            out.printf("%-8s %-24s %-10s %-9s %-8s %-36s %s%n", "ID", "NAME", "PREFIX", "TIER", "STATE", "SCOPES", "LAST USED");
            for (ApiKey k : keys.list()) {
                String state = k.revoked() ? "revoked" : k.enabled() ? "active" : "disabled";
                out.printf("%-8s %-24s %-10s %-9s %-8s %-36s %s%n", "key-" + k.id(), k.name(), k.prefix(), k.tier().wire(),
                        state, String.join(",", new java.util.TreeSet<>(k.scopes())),
                        k.lastUsedAt() == null ? "-" : k.lastUsedAt().toString());
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key for good (not the last enabled admin key).")
    static final class Revoke extends KeyAction {
        @Parameters(index = "0", description = "the key id (key-<n> or <n>)")
        String id;

        @Override
        int run(ApiKeyService keys, PrintStream out) {
            String digits = id.startsWith("key-") ? id.substring(4) : id;
            long n;
            try {
                n = Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new NotFoundException("no key " + id + " (expected key-<n>)");
            }
            ApiKey k = keys.revoke(n);
            out.println("revoked key-" + k.id() + " (" + k.name() + ")");
            return 0;
        }
    }
}
