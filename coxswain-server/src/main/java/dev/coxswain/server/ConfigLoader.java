package dev.coxswain.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.EnumMap;
import dev.coxswain.core.device.DeviceSettings;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.server.auth.JwtVerifier;
import dev.coxswain.server.http.ConnectionLimits;
import dev.coxswain.server.files.FilesConfig;
import dev.coxswain.core.files.S3Settings;
import dev.coxswain.core.webhook.WebhookSettings;
import dev.coxswain.core.connection.ConnectionService;
import java.util.Map;

/**
 * Merges the server's settings: built-in defaults, then the YAML config file, then
 * {@code COXSWAIN_*} environment variables, then command-line flags. Every setting has one
 * kebab-case key (the YAML key); its environment variable is {@code COXSWAIN_} plus the key in
 * upper snake case ({@code data-dir} → {@code COXSWAIN_DATA_DIR}).
 */
public final class ConfigLoader {
    /** Keys with their defaults (null = unset) and what they mean, for --help and the README. */
    public static final List<Setting> SETTINGS = List.of(
            new Setting("port", "8000", "HTTP port"),
            new Setting("bind", "127.0.0.1", "address to listen on (0.0.0.0 for all interfaces)"),
            new Setting("data-dir", "./data", "data directory: SQLite database, admin.key, node.id"),
            new Setting("db-url", null, "PostgreSQL JDBC URL; when set, PostgreSQL replaces the embedded SQLite store"),
            new Setting("db-user", null, "PostgreSQL user (if not in the URL)"),
            new Setting("db-password", null, "PostgreSQL password (if not in the URL); prefer the environment variable"),
            new Setting("admin-key", null, "admin API key to accept (for automation); otherwise one is generated on first start"),
            new Setting("concurrency", String.valueOf(2 * Runtime.getRuntime().availableProcessors()),
                    "tasks the built-in local worker runs at once (default 2 x cores)"),
            new Setting("shutdown-grace-seconds", "30", "on SIGTERM, how long running tasks may finish before they are released"),
            new Setting("timezone", null, "time zone for 'today' figures (default: the server's)"),
            new Setting("max-body-bytes", "1048576", "largest accepted request body"),
            new Setting("log-max-lines-per-task", "10000", "task log lines kept per task; further output lines are dropped and counted"),
            new Setting("sqlite-sync", "full", "SQLite durability: full (fsync each commit) or normal (survives crashes, not power loss)"),
            new Setting("worker-id", null, "id of this node's local worker (default worker-<hostname>-<node id>)"),
            new Setting("lease-seconds", "30", "a running task's lease; a worker silent this long loses the task to a retry"),
            new Setting("jwt-secret", null, "HS256 secret (at least 32 bytes) for bearer JWTs; prefer the environment variable"),
            new Setting("jwt-public-key-file", null, "PEM public key (RSA or EC) for RS256/ES256 bearer JWTs"),
            new Setting("jwt-jwks-file", null, "JWKS file with the public keys for bearer JWTs"),
            new Setting("jwt-issuer", null, "required iss claim of bearer JWTs"),
            new Setting("jwt-audience", null, "required aud claim of bearer JWTs"),
            new Setting("jwt-scopes-claim", "scope", "claim holding a JWT's scopes (space-separated string or array)"),
            new Setting("jwt-tier-claim", "tier", "claim holding a JWT's tier"),
            new Setting("jwt-default-tier", "starter", "tier of a JWT without a tier claim"),
            new Setting("webhook-allow-loopback", "false", "let webhooks call loopback addresses (127.0.0.1, ::1)"),
            new Setting("webhook-allow-private", "false", "let webhooks call the other special-purpose addresses (private, link-local, CGNAT, documentation, reserved, NAT64 …)"),
            new Setting("webhook-retry-base-seconds", "5", "delay before a failed webhook delivery's second attempt; doubles per failure, at most 1 h"),
            new Setting("webhook-max-attempts", "12", "attempts before a webhook delivery is given up"),
            new Setting("workflow-webhook-secret", null, "secret (at least 16 characters) that signs jobs' webhooks; default: generated at first start, stored sealed, rotatable through the API; prefer the environment variable"),
            new Setting("secret-key", null, "base64 of 32 bytes that encrypts connection passwords, webhook secrets and environment values (default: <data-dir>/secret.key); the same on every node"),
            new Setting("worker-token", null, "shared X-Worker-Token for workers without an individual token"),
            new Setting("remote-worker-ttl-seconds", "60", "a remote worker silent this long goes offline; its running tasks are retried elsewhere"),
            new Setting("worker-poll-max-seconds", "30", "the longest a remote worker's long poll is held"),
            new Setting("worker-signatures", "true", "remote workers must sign their bodies (HMAC-SHA256 with their token, the protocol's zero-trust rule)"),
            new Setting("worker-timestamp-window-seconds", "60", "how far a signed body's timestamp may be from the server's clock"),
            new Setting("worker-rate-limit-poll", "60000", "polls per remote worker per minute (0: unlimited)"),
            new Setting("worker-rate-limit-heartbeat", "600", "heartbeats per remote worker per minute (0: unlimited)"),
            new Setting("worker-rate-limit-other", "60000", "other messages (register, result, event, token) per remote worker per minute (0: unlimited)"),
            new Setting("rate-limit-starter", String.valueOf(SecurityConfig.STARTER_PER_MINUTE), "requests per minute for the starter tier (0: unlimited)"),
            new Setting("rate-limit-pro", String.valueOf(SecurityConfig.PRO_PER_MINUTE), "requests per minute for the pro tier (0: unlimited)"),
            new Setting("rate-limit-team", String.valueOf(SecurityConfig.TEAM_PER_MINUTE), "requests per minute for the team tier (0: unlimited)"),
            new Setting("rate-limit-business", String.valueOf(SecurityConfig.BUSINESS_PER_MINUTE), "requests per minute for the business tier (0: unlimited)"),
            new Setting("http-header-timeout-seconds", String.valueOf(ConnectionLimits.HEADER_TIMEOUT_SECONDS),
                    "a request's line and headers must arrive within this many seconds of its first byte, or the connection is dropped"),
            new Setting("http-idle-timeout-seconds", String.valueOf(ConnectionLimits.IDLE_TIMEOUT_SECONDS),
                    "a connection on which the client sends nothing for this long is closed (idle keep-alive, silent, stalled body)"),
            new Setting("http-max-connections", String.valueOf(ConnectionLimits.MAX_CONNECTIONS),
                    "HTTP connections served at once; more wait in the accept backlog"),
            new Setting("dev-mode", "false", "development conveniences, never for production: POST /_public/debug/flush_db deletes every workflow job"),
            new Setting("files", "local", "where job files are kept: local (files-dir), s3 (an S3-compatible bucket) or off (the file endpoints answer 501)"),
            new Setting("files-dir", null, "directory of the local file store (default <data-dir>/files)"),
            new Setting("files-public-url", null, "base URL of the local store's signed file links, as clients reach this server (default http://<bind>:<port>)"),
            new Setting("files-max-bytes", String.valueOf(FilesConfig.DEFAULT_MAX_BYTES), "largest file accepted by the streamed upload (PUT .../files/content/{filename}) and the signed upload link"),
            new Setting("files-s3-endpoint", null, "S3 endpoint URL, e.g. http://127.0.0.1:9000 (default: AWS S3 of the region)"),
            new Setting("files-s3-region", "us-east-1", "S3 region"),
            new Setting("files-s3-bucket", "avtomatika-payloads", "S3 bucket holding jobs/<job_id>/<filename>"),
            new Setting("files-s3-access-key", null, "S3 access key (default: the AWS default credential chain)"),
            new Setting("files-s3-secret-key", null, "S3 secret key; prefer the environment variable"),
            new Setting("files-s3-path-style", "true", "path-style S3 URLs (http://host/bucket/key), as MinIO and most self-hosted servers need"),
            new Setting("files-s3-create-bucket", "true", "create the S3 bucket at start when it does not exist"),
            new Setting("blueprints-dir", null, "directory of workflow blueprints (*.json, *.yaml, *.yml) registered at start, in file-name order; "
                    + "a file whose definition equals the newest stored version is skipped; an invalid file stops the start"),
            new Setting("rate-limit-anonymous", String.valueOf(SecurityConfig.ANONYMOUS_PER_MINUTE), "requests per minute per client address without a valid credential (0: unlimited)"),
            new Setting(DeviceSettingsConfig.SCRIPTS, DeviceSettingsConfig.defaultScripts(),
                    "script names the device task API (/api/v1/task) accepts besides the skills of online device workers (comma-separated)"),
            new Setting(DeviceSettingsConfig.MAX_RETRY_COUNT, String.valueOf(DeviceSettings.defaults().maxRetryCount()),
                    "retries of a failed device task: automatic ones (device-auto-retry) and the bound of a manual retry"),
            new Setting(DeviceSettingsConfig.AUTO_RETRY, String.valueOf(DeviceSettings.defaults().autoRetry()),
                    "retry a failed device task by itself (up to device-max-retry-count times)"),
            new Setting(DeviceSettingsConfig.RETRY_DELAY, DeviceSettingsConfig.defaultRetryDelay(),
                    "a device task's retry is due after a random delay of <min>-<max> seconds"),
            new Setting(DeviceSettingsConfig.TASK_TIMEOUT, String.valueOf(DeviceSettings.defaults().taskTimeoutSeconds()),
                    "a device task's attempt running longer than this fails"),
            new Setting(DeviceSettingsConfig.PLANS, null,
                    "device limit and concurrency per plan: pro=20/20,team=50/50,business=200/200 ('none': no limit); in YAML also a mapping "
                            + "tier: {device-limit, concurrency}; tiers not named keep these defaults, starter has no API access"),
            new Setting(DeviceSettingsConfig.TIME_ZONE, null,
                    "zone of the device task API's start_time (HH:MM) and of its YYYY-MM-DD HH:MM:SS times (default: timezone)"));

    public record Setting(String key, String dflt, String help) {
        public String env() {
            return "COXSWAIN_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
        }
    }

    /** A setting has a value that cannot be used. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    private ConfigLoader() {
    }

    /**
     * @param configFile the YAML file, or null
     * @param env        the environment (System.getenv() in the server)
     * @param flags      command-line values by key; null values are "not given"
     */
    public static ServerConfig load(Path configFile, Map<String, String> env, Map<String, String> flags) {
        List<ConnectionService.Spec> declared = configFile == null ? List.of() : connections(configFile, env);
        return loadSettings(configFile, env, flags).withConnections(declared);
    }

    private static ServerConfig loadSettings(Path configFile, Map<String, String> env, Map<String, String> flags) {
        Map<String, String> v = new LinkedHashMap<>();
        for (Setting s : SETTINGS) v.put(s.key(), s.dflt());
        if (configFile != null) v.putAll(readYaml(configFile));
        for (Setting s : SETTINGS) {
            String e = env.get(s.env());
            if (e != null && !e.isBlank()) v.put(s.key(), e);
        }
        flags.forEach((k, val) -> {
            if (val != null) v.put(k, val);
        });
        return build(v);
    }

    static final String CONNECTIONS = "connections";

    /**
     * The {@code connections:} list of the config file: PostgreSQL servers to analyse, each with
     * name, host, port, database, user, sslmode, environment, tags and either {@code password} or
     * {@code password_env} (the name of an environment variable holding it — better than a
     * password in a file).
     */
    static List<ConnectionService.Spec> connections(Path file, Map<String, String> env) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.has(CONNECTIONS) || root.get(CONNECTIONS).isNull()) return List.of();
        JsonNode list = root.get(CONNECTIONS);
        if (!list.isArray()) throw new ConfigException("'connections' in " + file + " must be a list");
        List<ConnectionService.Spec> out = new java.util.ArrayList<>();
        int i = 0;
        for (JsonNode c : list) {
            String where = "connections[" + i++ + "]";
            if (!c.isObject()) throw new ConfigException(where + " must be a mapping");
            var names = c.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!List.of("name", "host", "port", "database", "user", "password", "password_env", "sslmode", "environment",
                        "tags").contains(n)) {
                    throw new ConfigException("unknown key '" + n + "' in " + where);
                }
            }
            String password = c.hasNonNull("password") ? c.get("password").asText() : null;
            if (c.hasNonNull("password_env")) {
                password = env.get(c.get("password_env").asText());
                if (password == null) throw new ConfigException(where + ": environment variable " + c.get("password_env").asText() + " is not set");
            }
            List<String> tags = new java.util.ArrayList<>();
            if (c.has("tags")) c.get("tags").forEach(t -> tags.add(t.asText()));
            out.add(new ConnectionService.Spec(text(c, "name"), text(c, "host"), c.has("port") ? c.get("port").asInt() : 5432,
                    text(c, "database"), text(c, "user"), password, text(c, "sslmode"), text(c, "environment"), tags));
        }
        return out;
    }

    private static String text(JsonNode n, String k) {
        return n.hasNonNull(k) ? n.get(k).asText() : null;
    }

    private static Map<String, String> readYaml(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null || root.isNull() || root.isMissingNode()) return out;
        if (!root.isObject()) throw new ConfigException("config file " + file + " must be a YAML mapping");
        var it = root.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equals(CONNECTIONS)) continue; // read by connections()
            if (SETTINGS.stream().noneMatch(s -> s.key().equals(e.getKey()))) {
                throw new ConfigException("unknown setting '" + e.getKey() + "' in " + file);
            }
            if (e.getKey().equals(DeviceSettingsConfig.PLANS) && e.getValue().isObject()) {
                out.put(e.getKey(), DeviceSettingsConfig.plansText(e.getValue())); // the mapping form, as the text form
                continue;
            }
            if (!e.getValue().isValueNode()) throw new ConfigException("setting '" + e.getKey() + "' must be a scalar");
            out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        return out;
    }

    private static ServerConfig build(Map<String, String> v) {
        String sync = v.get("sqlite-sync").toLowerCase(Locale.ROOT);
        if (!sync.equals("full") && !sync.equals("normal")) throw new ConfigException("sqlite-sync must be full or normal");
        String url = blankToNull(v.get("db-url"));
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("db-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
        }
        String adminKey = blankToNull(v.get("admin-key"));
        if (adminKey != null && adminKey.length() < 16) throw new ConfigException("admin-key must be at least 16 characters");
        ZoneId zone;
        try {
            zone = v.get("timezone") == null ? ZoneId.systemDefault() : ZoneId.of(v.get("timezone"));
        } catch (DateTimeException e) {
            throw new ConfigException("timezone '" + v.get("timezone") + "' is not a known time zone");
        }
        return new ServerConfig(
                intIn(v, "port", 0, 65535), v.get("bind"), Path.of(v.get("data-dir")), url,
                blankToNull(v.get("db-user")), blankToNull(v.get("db-password")), adminKey,
                intIn(v, "concurrency", 0, 10_000), Duration.ofSeconds(intIn(v, "shutdown-grace-seconds", 0, 86_400)),
                zone, intIn(v, "max-body-bytes", 1024, Integer.MAX_VALUE), intIn(v, "log-max-lines-per-task", 10, 10_000_000),
                sync.equals("full"), blankToNull(v.get("worker-id")), Duration.ofSeconds(intIn(v, "lease-seconds", 2, 86_400)),
                security(v), new WebhookSettings(bool(v, "webhook-allow-loopback"), bool(v, "webhook-allow-private"),
                Duration.ofSeconds(intIn(v, "webhook-retry-base-seconds", 1, 3600)), intIn(v, "webhook-max-attempts", 1, 100),
                WebhookSettings.defaults().timeout(), workflowSecret(v)), List.of(),
                new ConnectionLimits(Duration.ofSeconds(intIn(v, "http-header-timeout-seconds", 1, 3600)),
                        Duration.ofSeconds(intIn(v, "http-idle-timeout-seconds", 1, 86_400)),
                        intIn(v, "http-max-connections", 1, 1_000_000)))
                .withWorkers(new dev.coxswain.server.worker.WorkerProtocolConfig(
                        Duration.ofSeconds(intIn(v, "remote-worker-ttl-seconds", 2, 86_400)),
                        Duration.ofSeconds(intIn(v, "worker-poll-max-seconds", 1, 300)), bool(v, "worker-signatures"),
                        Duration.ofSeconds(intIn(v, "worker-timestamp-window-seconds", 1, 86_400)),
                        intIn(v, "worker-rate-limit-poll", 0, 100_000_000), intIn(v, "worker-rate-limit-heartbeat", 0, 100_000_000),
                        intIn(v, "worker-rate-limit-other", 0, 100_000_000)))
                .withFiles(files(v))
                .withBlueprintsDir(directory(v, "blueprints-dir"))
                .withDevMode(bool(v, "dev-mode"))
                .withDevices(DeviceSettingsConfig.read(v, zone));
    }

    private static FilesConfig files(Map<String, String> v) {
        FilesConfig.Mode mode = switch (v.get("files") == null ? "" : v.get("files").trim().toLowerCase(Locale.ROOT)) {
            case "local" -> FilesConfig.Mode.LOCAL;
            case "s3" -> FilesConfig.Mode.S3;
            case "off" -> FilesConfig.Mode.OFF;
            default -> throw new ConfigException("files must be local, s3 or off");
        };
        String publicUrl = blankToNull(v.get("files-public-url"));
        if (publicUrl != null && !(publicUrl.startsWith("http://") || publicUrl.startsWith("https://"))) {
            throw new ConfigException("files-public-url must be an http:// or https:// URL");
        }
        long maxBytes = longIn(v, "files-max-bytes", 1, Long.MAX_VALUE / 2);
        String dir = blankToNull(v.get("files-dir"));
        boolean pathStyle = bool(v, "files-s3-path-style");
        boolean create = bool(v, "files-s3-create-bucket");
        S3Settings s3 = null;
        if (mode == FilesConfig.Mode.S3) {
            String endpoint = blankToNull(v.get("files-s3-endpoint"));
            java.net.URI uri = null;
            if (endpoint != null) {
                try {
                    uri = java.net.URI.create(endpoint.trim());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("files-s3-endpoint is not a URL");
                }
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException("files-s3-endpoint must be an http:// or https:// URL");
                }
            }
            String access = blankToNull(v.get("files-s3-access-key"));
            String secret = blankToNull(v.get("files-s3-secret-key"));
            if ((access == null) != (secret == null)) {
                throw new ConfigException("files-s3-access-key and files-s3-secret-key go together (or neither, for the AWS default credentials)");
            }
            String bucket = blankToNull(v.get("files-s3-bucket"));
            if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new ConfigException("files-s3-bucket must be a valid bucket name (3-63 lower-case letters, digits, dots, hyphens)");
            }
            String region = blankToNull(v.get("files-s3-region"));
            if (region == null) throw new ConfigException("files-s3-region is required");
            s3 = new S3Settings(uri, region, bucket, access, secret, pathStyle, create);
        }
        return new FilesConfig(mode, dir == null ? null : Path.of(dir), publicUrl, maxBytes, s3);
    }

    private static long longIn(Map<String, String> v, String key, long min, long max) {
        try {
            long l = Long.parseLong(v.get(key).trim());
            if (l < min || l > max) throw new ConfigException(key + " must be between " + min + " and " + max);
            return l;
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(key + " must be an integer");
        }

    }

    /** An existing directory, or null when the key is unset. */
    private static Path directory(Map<String, String> v, String key) {
        String p = blankToNull(v.get(key));
        if (p == null) return null;
        Path d = Path.of(p);
        if (!Files.isDirectory(d)) throw new ConfigException(key + " " + p + " is not a directory");
        if (!Files.isReadable(d)) throw new ConfigException(key + " " + p + " is not readable");
        return d;
    }

    private static String workflowSecret(Map<String, String> v) {
        String s = blankToNull(v.get("workflow-webhook-secret"));
        if (s != null && s.length() < dev.coxswain.core.webhook.WorkflowWebhookSecret.MIN_LENGTH) {
            throw new ConfigException("workflow-webhook-secret must be at least "
                    + dev.coxswain.core.webhook.WorkflowWebhookSecret.MIN_LENGTH + " characters");
        }
        return s;
    }

    static boolean bool(Map<String, String> v, String key) {
        String s = v.get(key) == null ? "" : v.get(key).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new ConfigException(key + " must be true or false");
        };
    }

    private static SecurityConfig security(Map<String, String> v) {
        Tier dflt = Tier.fromWire(v.get("jwt-default-tier"));
        if (dflt == null) throw new ConfigException("jwt-default-tier must be one of starter, pro, team, business, unlimited");
        String secret = blankToNull(v.get("jwt-secret"));
        if (secret != null && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            throw new ConfigException("jwt-secret must be at least 32 bytes");
        }
        String workerToken = blankToNull(v.get("worker-token"));
        if (workerToken != null && workerToken.length() < 16) throw new ConfigException("worker-token must be at least 16 characters");
        var jwt = new JwtVerifier.JwtSettings(secret, path(v.get("jwt-public-key-file")), path(v.get("jwt-jwks-file")),
                blankToNull(v.get("jwt-issuer")), blankToNull(v.get("jwt-audience")), v.get("jwt-scopes-claim"),
                v.get("jwt-tier-claim"), dflt);
        Map<Tier, Integer> limits = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            if (t != Tier.UNLIMITED) limits.put(t, intIn(v, "rate-limit-" + t.wire(), 0, 100_000_000));
        }
        limits.put(Tier.UNLIMITED, 0);
        String secretKey = blankToNull(v.get("secret-key"));
        if (secretKey != null) {
            try {
                if (java.util.Base64.getDecoder().decode(secretKey.trim()).length != 32) throw new IllegalArgumentException();
            } catch (IllegalArgumentException e) {
                throw new ConfigException("secret-key must be base64 of 32 bytes (e.g. openssl rand -base64 32)");
            }
        }
        return new SecurityConfig(jwt, workerToken, limits, intIn(v, "rate-limit-anonymous", 0, 100_000_000), secretKey);
    }

    private static Path path(String s) {
        String p = blankToNull(s);
        if (p == null) return null;
        Path f = Path.of(p);
        if (!Files.isReadable(f)) throw new ConfigException("file " + p + " does not exist or is not readable");
        return f;
    }

    static int intIn(Map<String, String> v, String key, int min, int max) {
        try {
            int i = Integer.parseInt(v.get(key).trim());
            if (i < min || i > max) throw new ConfigException(key + " must be between " + min + " and " + max);
            return i;
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(key + " must be an integer");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
