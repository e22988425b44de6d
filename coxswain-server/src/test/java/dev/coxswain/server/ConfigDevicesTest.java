package dev.coxswain.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.device.DevicePlans;
import dev.coxswain.core.device.DeviceSettings;
import dev.coxswain.core.domain.Tier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code device-*} settings: defaults, the config file (both forms of the plans), environment and flags. */
class ConfigDevicesTest {
    @TempDir
    Path dir;

    static DeviceSettings env(String... nameValues) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i + 1 < nameValues.length; i += 2) env.put(nameValues[i], nameValues[i + 1]);
        return ConfigLoader.load(null, env, Map.of()).devices();
    }

    @Test
    void defaultsAreTheCores() {
        DeviceSettings d = ConfigLoader.load(null, Map.of("COXSWAIN_TIMEZONE", "Europe/Berlin"), Map.of()).devices();
        DeviceSettings core = DeviceSettings.defaults();
        assertThat(d.scripts()).isEqualTo(core.scripts()).containsExactly("post", "follow", "unfollow", "account_warmup", "comment");
        assertThat(d.maxRetryCount()).isEqualTo(core.maxRetryCount());
        assertThat(d.autoRetry()).isEqualTo(core.autoRetry());
        assertThat(d.retryDelayMin()).isEqualTo(5);
        assertThat(d.retryDelayMax()).isEqualTo(60);
        assertThat(d.taskTimeoutSeconds()).isEqualTo(3600);
        assertThat(d.plans()).isEqualTo(DevicePlans.defaults());
        // Without a zone of its own, the server's.
        assertThat(d.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    }

    @Test
    void everyKeyFromTheEnvironment() {
        DeviceSettings d = env("COXSWAIN_DEVICE_SCRIPTS", "post, like  scrape_user", "COXSWAIN_DEVICE_MAX_RETRY_COUNT", "7",
                "COXSWAIN_DEVICE_AUTO_RETRY", "false", "COXSWAIN_DEVICE_RETRY_DELAY_SECONDS", "10 - 20",
                "COXSWAIN_DEVICE_TASK_TIMEOUT_SECONDS", "60", "COXSWAIN_DEVICE_PLANS", "pro=25/3, business=none/none",
                "COXSWAIN_DEVICE_TIME_ZONE", "Asia/Tokyo");
        assertThat(d.scripts()).containsExactly("post", "like", "scrape_user");
        assertThat(d.maxRetryCount()).isEqualTo(7);
        assertThat(d.autoRetry()).isFalse();
        assertThat(d.retryDelayMin()).isEqualTo(10);
        assertThat(d.retryDelayMax()).isEqualTo(20);
        assertThat(d.taskTimeoutSeconds()).isEqualTo(60);
        assertThat(d.plans().of(Tier.PRO)).isEqualTo(new DevicePlans.Plan(Tier.PRO, true, 25, 3));
        assertThat(d.plans().of(Tier.BUSINESS)).isEqualTo(new DevicePlans.Plan(Tier.BUSINESS, true, null, null));
        assertThat(d.plans().of(Tier.TEAM)).isEqualTo(DevicePlans.defaults().of(Tier.TEAM));
        assertThat(d.plans().of(Tier.STARTER).apiEnabled()).isFalse();
        assertThat(d.zone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThat(env("COXSWAIN_DEVICE_RETRY_DELAY_SECONDS", "30").retryDelayMin()).isEqualTo(30);
    }

    @Test
    void theYamlFileTakesThePlansAsAMapping() throws Exception {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, """
                device-scripts: ""
                device-retry-delay-seconds: 0-0
                device-plans:
                  pro: {device-limit: 5, concurrency: 2}
                  team: {concurrency: null}
                  unlimited: {device-limit: 1000}
                """);
        DeviceSettings d = ConfigLoader.load(yaml, Map.of(), Map.of()).devices();
        assertThat(d.scripts()).isEmpty();
        assertThat(d.retryDelayMax()).isZero();
        assertThat(d.plans().of(Tier.PRO)).isEqualTo(new DevicePlans.Plan(Tier.PRO, true, 5, 2));
        assertThat(d.plans().of(Tier.TEAM)).isEqualTo(new DevicePlans.Plan(Tier.TEAM, true, 50, null));
        assertThat(d.plans().of(Tier.UNLIMITED)).isEqualTo(new DevicePlans.Plan(Tier.UNLIMITED, true, 1000, null));

        Files.writeString(yaml, "device-plans: \"team=1/1\"\n");
        assertThat(ConfigLoader.load(yaml, Map.of(), Map.of()).devices().plans().of(Tier.TEAM))
                .isEqualTo(new DevicePlans.Plan(Tier.TEAM, true, 1, 1));
        // A flag wins over the file, as for every setting.
        assertThat(ConfigLoader.load(yaml, Map.of(), Map.of("device-plans", "team=2/2")).devices().plans().of(Tier.TEAM))
                .isEqualTo(new DevicePlans.Plan(Tier.TEAM, true, 2, 2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "COXSWAIN_DEVICE_SCRIPTS|post,bad name!|device-scripts",
            "COXSWAIN_DEVICE_MAX_RETRY_COUNT|-1|device-max-retry-count",
            "COXSWAIN_DEVICE_MAX_RETRY_COUNT|many|device-max-retry-count",
            "COXSWAIN_DEVICE_AUTO_RETRY|perhaps|device-auto-retry",
            "COXSWAIN_DEVICE_RETRY_DELAY_SECONDS|60-5|device-retry-delay-seconds",
            "COXSWAIN_DEVICE_RETRY_DELAY_SECONDS|5-|device-retry-delay-seconds",
            "COXSWAIN_DEVICE_RETRY_DELAY_SECONDS|5-99999|device-retry-delay-seconds",
            "COXSWAIN_DEVICE_TASK_TIMEOUT_SECONDS|0|device-task-timeout-seconds",
            "COXSWAIN_DEVICE_PLANS|pro=20|device-plans",
            "COXSWAIN_DEVICE_PLANS|pro=0/5|device-plans",
            "COXSWAIN_DEVICE_PLANS|gold=1/1|unknown tier 'gold'",
            "COXSWAIN_DEVICE_PLANS|starter=5/5|starter has no API access",
            "COXSWAIN_DEVICE_PLANS|pro=1/1,pro=2/2|names pro twice",
            "COXSWAIN_DEVICE_TIME_ZONE|Mars/Olympus|device-time-zone"})
    void badValuesStopTheStartNamingTheKey(String variable, String value, String message) {
        assertThatThrownBy(() -> env(variable, value)).isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void aBadPlanMappingIsRefused() throws Exception {
        Path yaml = dir.resolve("bad.yaml");
        for (String plans : List.of("device-plans: [pro]", "device-plans: {pro: 5}", "device-plans: {pro: {devices: 5}}",
                "device-plans: {pro: {device-limit: many}}", "device-plans: {pro: {device-limit: 2.5}}")) {
            Files.writeString(yaml, plans + "\n");
            assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), Map.of())).as(plans)
                    .isInstanceOf(ConfigLoader.ConfigException.class).hasMessageContaining("device-plans");
        }
    }
}
