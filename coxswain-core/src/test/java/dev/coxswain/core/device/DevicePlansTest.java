package dev.coxswain.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Tier;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DevicePlansTest {
    private static final DevicePlans PLANS = DevicePlans.defaults();

    private static Principal principal(Tier tier) {
        return new Principal("key:1", "one", Set.of(), tier, null);
    }

    @Test
    void defaultsFollowTheSeedsTiers() {
        assertThat(PLANS.of(Tier.STARTER)).isEqualTo(new DevicePlans.Plan(Tier.STARTER, false, null, null));
        assertThat(PLANS.of(Tier.PRO)).isEqualTo(new DevicePlans.Plan(Tier.PRO, true, 20, 20));
        assertThat(PLANS.of(Tier.TEAM)).isEqualTo(new DevicePlans.Plan(Tier.TEAM, true, 50, 50));
        assertThat(PLANS.of(Tier.BUSINESS)).isEqualTo(new DevicePlans.Plan(Tier.BUSINESS, true, 200, 200));
        assertThat(PLANS.of(Tier.UNLIMITED)).isEqualTo(new DevicePlans.Plan(Tier.UNLIMITED, true, null, null));
        assertThat(PLANS.of(Tier.PRO).name()).isEqualTo("Pro");
        assertThat(PLANS.of(Tier.UNLIMITED).name()).isEqualTo("Unlimited");
    }

    @Test
    void starterIsRefusedWithTheSeedsMessage() {
        assertThatThrownBy(() -> PLANS.checkAccess(principal(Tier.STARTER)))
                .isInstanceOf(PlanRefusedException.class)
                .hasMessage("API access requires Pro+ plan (current plan: Starter)")
                .satisfies(e -> assertThat(((PlanRefusedException) e).plan().tier()).isEqualTo(Tier.STARTER));
        assertThat(PLANS.checkAccess(principal(Tier.PRO)).tier()).isEqualTo(Tier.PRO);
        assertThat(PLANS.of(Tier.PRO).refusal()).isNull();
    }

    @Test
    void aPrincipalWithoutTierGetsStartersPlan() {
        assertThat(PLANS.of((Tier) null).tier()).isEqualTo(Tier.STARTER);
        assertThat(PLANS.of((Principal) null).apiEnabled()).isFalse();
        assertThatThrownBy(() -> PLANS.checkAccess(principal(null))).isInstanceOf(PlanRefusedException.class);
    }

    @Test
    void limitsAreConfigurablePerTierButStarterNeverGetsAccess() {
        DevicePlans p = PLANS.with(Tier.PRO, 5, 2).with(Tier.STARTER, 10, 10).with(Tier.BUSINESS, null, null);
        assertThat(p.of(Tier.PRO)).isEqualTo(new DevicePlans.Plan(Tier.PRO, true, 5, 2));
        assertThat(p.of(Tier.STARTER).apiEnabled()).isFalse();
        assertThat(p.of(Tier.BUSINESS).deviceLimit()).isNull();
        assertThat(PLANS.of(Tier.PRO).deviceLimit()).as("the defaults are untouched").isEqualTo(20);
        assertThatThrownBy(() -> PLANS.with(Tier.PRO, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDeviceLimitCountsOpenAndRequestedDevicesOnce() {
        DevicePlans.Plan pro = PLANS.with(Tier.PRO, 3, 3).of(Tier.PRO);
        DevicePlans.checkDeviceLimit(pro, List.of("a", "b"), List.of("b", "c"));
        assertThatThrownBy(() -> DevicePlans.checkDeviceLimit(pro, List.of("a", "b"), List.of("c", "d")))
                .isInstanceOf(PlanRefusedException.class)
                .hasMessage("Plan Pro allows 3 devices; this request would use 4");
        DevicePlans.checkDeviceLimit(PLANS.of(Tier.UNLIMITED), List.of("a", "b"), List.of("c", "d"));
    }

    @Test
    void theSeedsExampleMessage() {
        assertThat(PLANS.of(Tier.PRO).deviceLimitProblem(25)).isEqualTo("Plan Pro allows 20 devices; this request would use 25");
        assertThat(PLANS.of(Tier.PRO).deviceLimitProblem(20)).isNull();
    }
}
