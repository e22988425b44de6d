package dev.coxswain.server.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import dev.coxswain.server.testing.SecretLedger;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the process tests share: a temp directory, the processes a test started (killed after
 * it, on their own handles), the task {@code sleep}s they recorded, and the output of every
 * process printed when a test fails.
 */
abstract class ProcessTestBase {
    @TempDir
    Path tmp;

    final List<ServerProcess> started = new ArrayList<>();
    /** Closed after the processes are gone (e.g. a throw-away PostgreSQL database). */
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @RegisterExtension
    final AfterTestExecutionCallback dumpOnFailure = ctx -> {
        if (ctx.getExecutionException().isPresent()) {
            for (ServerProcess s : started) System.out.println(s.output());
        }
    };

    @AfterEach
    void stopEverythingStarted() throws Exception {
        for (ServerProcess s : started) {
            s.close();
            SecretLedger.output(s.name + " output", s.output());
        }
        ServerProcess.killAllRecordedSleeps(tmp);
        for (AutoCloseable c : closeAfter) c.close();
    }

    /** Starts {@code serve} on a free port with {@code env} and waits until it answers. */
    ServerProcess serve(String name, Path data, Map<String, String> env, String... extra) throws Exception {
        ServerProcess p = ServerProcess.serve(tmp.resolve("logs"), name, data, env, extra);
        started.add(p);
        return p.awaitReady();
    }

    /** Starts the command line with {@code args}; does not wait. */
    ServerProcess launch(String name, List<String> args, Map<String, String> env, Integer port) throws Exception {
        ServerProcess p = ServerProcess.launch(tmp.resolve("logs"), name, args, env, port);
        started.add(p);
        return p;
    }
}
