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

    /** As {@link #serve} on a given port: a server restarted where its workers look for it. */
    ServerProcess serveOn(int port, String name, Path data, Map<String, String> env, String... extra) throws Exception {
        ServerProcess p = ServerProcess.serve(tmp.resolve("logs"), name, data, env, port, extra);
        started.add(p);
        return p.awaitReady();
    }

    /**
     * Starts {@code coxswain worker} for {@code server} and waits until the server lists it online
     * (see {@link #launchWorker}).
     */
    ServerProcess worker(String name, ServerProcess server, String token, String id, int concurrency, String... extra)
            throws Exception {
        ServerProcess w = launchWorker(name, server, token, id, concurrency, extra);
        awaitOnline(w, server, id);
        return w;
    }

    /**
     * Starts {@code coxswain worker} for {@code server}: shell skill, heartbeat every second,
     * {@code concurrency} slots; does not wait. The shared worker token goes in through the
     * environment (never on the command line); {@code PROC_WORKER=<id>} is in its environment
     * too, so its task commands can say which worker ran them.
     */
    ServerProcess launchWorker(String name, ServerProcess server, String token, String id, int concurrency, String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("worker", "--server", "http://127.0.0.1:" + server.port,
                "--worker-id", id, "--concurrency", String.valueOf(concurrency), "--heartbeat-seconds", "1",
                "--shutdown-grace", "1"));
        args.addAll(List.of(extra));
        return launch(name, args, Map.of("COXSWAIN_WORKER_TOKEN", token, "PROC_WORKER", id), null);
    }

    /** Waits until {@code server} lists worker {@code id} (process {@code w}) as not offline. */
    void awaitOnline(ServerProcess w, ServerProcess server, String id) throws InterruptedException {
        server.await(id + " online on " + server.name, ServerProcess.READY_TIMEOUT, () -> {
            if (!w.process.isAlive()) throw new AssertionError(w.name + " exited with " + w.process.exitValue() + "\n" + w.output());
            ServerProcess.Reply r = server.get("/api/workers/" + id);
            return r.status() == 200 && !r.data().get("status").asText().equals("offline");
        });
    }

    /** Starts the command line with {@code args}; does not wait. */
    ServerProcess launch(String name, List<String> args, Map<String, String> env, Integer port) throws Exception {
        ServerProcess p = ServerProcess.launch(tmp.resolve("logs"), name, args, env, port);
        started.add(p);
        return p;
    }
}
