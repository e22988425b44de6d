package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.Json;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The {@code coxswain} command line, run as its own process. */
class CliTest extends ProcessTestBase {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    /** A log record as LogSetup formats it: instant, level, logger. */
    private static final Pattern LOG_RECORD = Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z (INFO|WARNING|SEVERE|FINE|CONFIG) ");

    @Test
    void helpListsEveryOptionAndExitsZero() throws Exception {
        ServerProcess top = launch("help", List.of("--help"), Map.of(), null);
        assertThat(top.awaitExit(EXIT_TIMEOUT)).as(top.output()).isZero();
        assertThat(top.stdoutText()).contains("Usage: coxswain", "serve", "--help", "--version");

        ServerProcess serve = launch("serve-help", List.of("serve", "--help"), Map.of(), null);
        assertThat(serve.awaitExit(EXIT_TIMEOUT)).as(serve.output()).isZero();
        assertThat(serve.stdoutText()).contains("Usage: coxswain serve", "--port", "--bind", "--data-dir", "--db-url",
                "--db-user", "--config", "--admin-key", "--concurrency", "--shutdown-grace", "--timezone",
                "--worker-id", "--help", "COXSWAIN_PORT", "COXSWAIN_ADMIN_KEY");
        assertThat(serve.stderrText()).isEmpty();
    }

    @Test
    void anUnknownOptionExitsNonZeroWithAClearMessage() throws Exception {
        int port = ServerProcess.freePort();
        ServerProcess p = launch("unknown", List.of("serve", "--port", String.valueOf(port), "--data-dir",
                tmp.resolve("data").toString(), "--no-such-option"), ServerProcess.env(), port);
        int exit = p.awaitExit(EXIT_TIMEOUT);
        assertThat(exit).as(p.output()).isNotZero();
        assertThat(p.stderrText()).contains("Unknown option: '--no-such-option'");
        assertThat(ServerProcess.answers(port)).isFalse();
        assertThat(tmp.resolve("data")).doesNotExist();

        ServerProcess sub = launch("unknown-command", List.of("serf"), Map.of(), null);
        assertThat(sub.awaitExit(EXIT_TIMEOUT)).as(sub.output()).isNotZero();
        assertThat(sub.stderrText()).contains("serf");
    }

    @Test
    void aPortInUseExitsNonZeroWithAClearMessageBeforeTheEngineStarts() throws Exception {
        // Something else already listens on the port: the server must not run headless (no
        // listener, engine claiming tasks) but stop at once and say why.
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            ServerProcess p = launch("taken", List.of("serve", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--data-dir", tmp.resolve("data").toString()), ServerProcess.env(), port);
            int exit = p.awaitExit(EXIT_TIMEOUT);
            assertThat(exit).as(p.output()).isNotZero();
            assertThat(p.stderrText()).as(p.output()).contains("127.0.0.1:" + port).containsIgnoringCase("in use");
            assertThat(p.stdoutText()).as(p.output()).doesNotContain("engine started", "listening on");
        }
    }

    @Test
    void shellTasksDoNotSeeTheServersOwnSettings() throws Exception {
        // The server's settings (keys, passwords, secrets) are in its environment; a task's `env`
        // must not print them into its result and logs. The ledger also scans every response.
        String jwtSecret = "cli-test-jwt-secret-" + "x".repeat(24);
        SecretLedger.secret(jwtSecret);
        ServerProcess p = serve("task-env", tmp.resolve("data"), ServerProcess.env("COXSWAIN_JWT_SECRET", jwtSecret));
        String id = p.createTask(Json.object().put("name", "env").put("command", "env; echo done"));
        p.await(id + " completed", Duration.ofSeconds(30), () -> "completed".equals(p.task(id).get("status").asText()));
        String result = p.task(id).get("result").asText();
        assertThat(result).contains("PATH=", "HOME=", "done").doesNotContain("COXSWAIN_", jwtSecret,
                ServerProcess.ADMIN_KEY);
        assertThat(String.join("\n", p.logMessages(id))).doesNotContain("COXSWAIN_");
    }

    @Test
    void aYamlConfigFileSetsThePort() throws Exception {
        int yamlPort = ServerProcess.freePort();
        Path yaml = writeYaml(yamlPort);
        ServerProcess p = launch("yaml", List.of("serve", "--config", yaml.toString()), ServerProcess.env(), yamlPort);
        p.awaitReady();
        assertThat(p.stdoutText()).contains("listening on http://127.0.0.1:" + yamlPort);
        assertThat(p.get("/api/tasks").status()).isEqualTo(200);
    }

    @Test
    void environmentOverridesTheConfigFileAndFlagsOverrideTheEnvironment() throws Exception {
        int yamlPort = ServerProcess.freePort();
        int envPort = ServerProcess.freePort();
        int flagPort = ServerProcess.freePort();
        assertThat(List.of(yamlPort, envPort, flagPort)).doesNotHaveDuplicates();
        Path yaml = writeYaml(yamlPort);

        ServerProcess env = launch("env-over-yaml", List.of("serve", "--config", yaml.toString()),
                ServerProcess.env("COXSWAIN_PORT", String.valueOf(envPort)), envPort);
        env.awaitReady();
        assertThat(ServerProcess.answers(yamlPort)).as("the config file's port").isFalse();
        assertThat(env.stdoutText()).contains("listening on http://127.0.0.1:" + envPort);
        env.close();

        ServerProcess flag = launch("flag-over-env", List.of("serve", "--config", yaml.toString(), "--port",
                String.valueOf(flagPort)), ServerProcess.env("COXSWAIN_PORT", String.valueOf(envPort)), flagPort);
        flag.awaitReady();
        assertThat(ServerProcess.answers(yamlPort)).as("the config file's port").isFalse();
        assertThat(ServerProcess.answers(envPort)).as("the environment's port").isFalse();
        assertThat(flag.stdoutText()).contains("listening on http://127.0.0.1:" + flagPort);
    }

    @Test
    void firstStartWithoutAKeyGeneratesOnePrintsItOnceAndSavesItPrivately() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> noKey = Map.of("COXSWAIN_LEASE_SECONDS", "4");

        ServerProcess first = serve("first", data, noKey);
        first.await("the generated key on stdout", Duration.ofSeconds(30),
                () -> first.stdoutText().contains("Use it as:"));
        Path keyFile = data.resolve("admin.key");
        assertThat(keyFile).exists();
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String key = Files.readString(keyFile).trim();
        assertThat(key).hasSizeGreaterThanOrEqualTo(16);
        String out = first.stdoutText();
        assertThat(occurrences(out, key)).as("times the key is printed\n%s", out).isEqualTo(1);
        assertThat(first.stderrText()).doesNotContain(key);

        // The printed key is an admin key.
        assertThat(first.get("/api/tasks", null).status()).isEqualTo(401);
        assertThat(first.get("/api/tasks", "not-the-key-0123456789").status()).isEqualTo(401);
        ServerProcess.Reply created = first.post("/api/tasks", Json.object().put("name", "k").put("command", "echo hi"), key);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.data().get("id").asText();
        assertThat(first.get("/api/tasks/" + id, key).status()).isEqualTo(200);

        first.sigterm();
        first.awaitExit(EXIT_TIMEOUT);

        ServerProcess second = serve("second", data, noKey);
        ServerProcess.Reply again = second.get("/api/tasks/" + id, key);
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        second.sigterm();
        second.awaitExit(EXIT_TIMEOUT); // all its output is written
        assertThat(second.stdoutText()).doesNotContain("Admin API key").doesNotContain(key);
        assertThat(Files.readString(keyFile).trim()).as("admin.key after the second start").isEqualTo(key);
        assertThat(Files.getPosixFilePermissions(keyFile)).doesNotContain(PosixFilePermission.GROUP_READ,
                PosixFilePermission.OTHERS_READ);
    }

    @Test
    void logsGoToStdoutAndNeverShowTheAdminKeyFromTheEnvironment() throws Exception {
        Path data = tmp.resolve("data");
        ServerProcess p = serve("server", data, ServerProcess.env("COXSWAIN_SHUTDOWN_GRACE_SECONDS", "5"));
        // Exercise the paths that log: auth (good and bad), task creation and its run, errors.
        String id = p.createTask(Json.object().put("name", "echo").put("command", "echo hello; echo oops >&2"));
        assertThat(p.get("/api/tasks", ServerProcess.ADMIN_KEY.substring(0, 31) + "x").status()).isEqualTo(401);
        assertThat(p.get("/api/tasks/task-999999").status()).isEqualTo(404);
        assertThat(p.post("/api/tasks", Json.object().put("name", "no command")).status()).isEqualTo(422);
        assertThat(p.get("/api/system/status").status()).isEqualTo(200);
        p.await(id + " completed", Duration.ofSeconds(30), () -> p.task(id).get("status").asText().equals("completed"));
        p.sigterm();
        p.awaitExit(EXIT_TIMEOUT);

        String out = p.stdoutText();
        String err = p.stderrText();
        assertThat(out).contains("listening on http://127.0.0.1:" + p.port, "engine started", "shutdown complete");
        Matcher records = LOG_RECORD.matcher(out);
        assertThat(records.results().count()).as("log records on stdout").isGreaterThanOrEqualTo(5);
        assertThat(LOG_RECORD.matcher(err).find()).as("a log record on stderr:\n%s", err).isFalse();
        assertThat(out).doesNotContain(ServerProcess.ADMIN_KEY);
        assertThat(err).doesNotContain(ServerProcess.ADMIN_KEY);
        // Nor in anything the server wrote to its data directory but the store.
        try (var files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("coxswain.db"))
                    .toList()) {
                assertThat(Files.readString(f)).as("%s", f).doesNotContain(ServerProcess.ADMIN_KEY);
            }
        }
        assertThat(data.resolve("admin.key")).as("no key is generated when one is configured").doesNotExist();
    }

    private Path writeYaml(int port) throws Exception {
        Path yaml = tmp.resolve("coxswain.yaml");
        Files.writeString(yaml, "port: " + port + "\nbind: 127.0.0.1\ndata-dir: " + tmp.resolve("data") + "\nconcurrency: 2\n");
        return yaml;
    }

    private static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
        return n;
    }
}
