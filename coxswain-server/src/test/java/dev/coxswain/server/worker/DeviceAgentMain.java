package dev.coxswain.server.worker;

import dev.coxswain.worker.CoxswainWorker;
import dev.coxswain.worker.Device;
import dev.coxswain.worker.DeviceAgent;
import java.time.Duration;

/**
 * A {@link DeviceAgent} as a process of its own, so a test can SIGKILL a device worker mid-script.
 * Arguments: server base URL, worker id, serials (comma-separated), scripts (comma-separated).
 * The master token comes from {@value #TOKEN_ENV}. Every script holds its device until stopped.
 * Reports on stdout: {@code REGISTERED <id>}, then {@code START <serial> <wire task id>} per
 * script run.
 */
public final class DeviceAgentMain {
    static final String TOKEN_ENV = "DEVICE_AGENT_TOKEN";

    private DeviceAgentMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: DeviceAgentMain <base-url> <worker-id> <serials> <scripts>   (token in $" + TOKEN_ENV + ")");
            System.exit(2);
        }
        DeviceAgent.Builder b = DeviceAgent.builder(CoxswainWorker.builder()
                .serverUrl(args[0])
                .workerId(args[1])
                .masterToken(System.getenv(TOKEN_ENV))
                .heartbeatInterval(Duration.ofMillis(500))
                .idlePollDelay(Duration.ofMillis(20))
                .pollTimeout(Duration.ofSeconds(5))
                .hostname("device-agent-process")
                .ipAddress("127.0.0.1"));
        for (String serial : args[2].split(",")) b.device(Device.of(serial, "android"));
        for (String script : args[3].split(",")) {
            b.script(script, (device, config, ctx) -> {
                say("START " + device.id() + " " + ctx.task().taskId());
                ctx.awaitStop(Duration.ofMinutes(10));
                return null;
            });
        }
        DeviceAgent agent = b.build().start();
        if (!agent.awaitRegistered(Duration.ofSeconds(60))) {
            System.err.println("not registered within 60 s");
            System.exit(1);
        }
        say("REGISTERED " + args[1]);
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
