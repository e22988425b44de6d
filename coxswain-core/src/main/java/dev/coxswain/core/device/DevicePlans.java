package dev.coxswain.core.device;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Tier;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What each plan (a principal's {@link Tier}) may do with device tasks: whether it has API access
 * at all, how many devices its open tasks may span, and how many of its device tasks may run at
 * once. Starter never has API access (the seed's licensing rule); the limits of the other tiers
 * are configurable ({@link #with}), null meaning no limit.
 */
public final class DevicePlans {
    /**
     * @param deviceLimit distinct devices the owner's open device tasks may span, or null
     * @param concurrency device tasks of the owner running at once, or null
     */
    public record Plan(Tier tier, boolean apiEnabled, Integer deviceLimit, Integer concurrency) {
        public Plan {
            if (tier == null) throw new IllegalArgumentException("a plan needs a tier");
            if (deviceLimit != null && deviceLimit < 1) throw new IllegalArgumentException("device limit must be at least 1");
            if (concurrency != null && concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1");
        }

        /** The plan's display name: "Starter", "Pro", … */
        public String name() {
            String w = tier.wire();
            return w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1);
        }

        /** Why this plan has no API access, or null when it has. */
        public String refusal() {
            return apiEnabled ? null : "API access requires Pro+ plan (current plan: " + name() + ")";
        }

        /** The problem when the owner's open tasks and a request together span {@code devices}, or null. */
        public String deviceLimitProblem(int devices) {
            if (deviceLimit == null || devices <= deviceLimit) return null;
            return "Plan " + name() + " allows " + deviceLimit + " device" + (deviceLimit == 1 ? "" : "s")
                    + "; this request would use " + devices;
        }
    }

    private final Map<Tier, Plan> plans;

    private DevicePlans(Map<Tier, Plan> plans) {
        this.plans = plans;
    }

    /** Starter: no API; Pro 20 devices / 20 running; Team 50/50; Business 200/200; Unlimited: no limits. */
    public static DevicePlans defaults() {
        Map<Tier, Plan> m = new EnumMap<>(Tier.class);
        m.put(Tier.STARTER, new Plan(Tier.STARTER, false, null, null));
        m.put(Tier.PRO, new Plan(Tier.PRO, true, 20, 20));
        m.put(Tier.TEAM, new Plan(Tier.TEAM, true, 50, 50));
        m.put(Tier.BUSINESS, new Plan(Tier.BUSINESS, true, 200, 200));
        m.put(Tier.UNLIMITED, new Plan(Tier.UNLIMITED, true, null, null));
        return new DevicePlans(m);
    }

    /** These plans with the tier's limits replaced (null = no limit); Starter stays without API access. */
    public DevicePlans with(Tier tier, Integer deviceLimit, Integer concurrency) {
        Map<Tier, Plan> m = new EnumMap<>(plans);
        m.put(tier, new Plan(tier, tier != Tier.STARTER, deviceLimit, concurrency));
        return new DevicePlans(m);
    }

    /** The plan of a tier; a principal without a tier gets Starter's (no API access), never more. */
    public Plan of(Tier tier) {
        return plans.get(tier == null ? Tier.STARTER : tier);
    }

    public Plan of(Principal p) {
        return of(p == null ? null : p.tier());
    }

    /** Throws {@link PlanRefusedException} unless the principal's plan has API access. */
    public Plan checkAccess(Principal p) {
        Plan plan = of(p);
        if (!plan.apiEnabled()) throw new PlanRefusedException(plan, plan.refusal());
        return plan;
    }

    /**
     * Throws {@link PlanRefusedException} when the devices of the owner's open device tasks and the
     * devices of a request together exceed the plan's device limit.
     */
    public static void checkDeviceLimit(Plan plan, Collection<String> openDevices, Collection<String> requested) {
        if (plan.deviceLimit() == null) return;
        java.util.Set<String> all = new java.util.HashSet<>(openDevices);
        all.addAll(requested);
        String problem = plan.deviceLimitProblem(all.size());
        if (problem != null) throw new PlanRefusedException(plan, problem);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DevicePlans d && d.plans.equals(plans);
    }

    @Override
    public int hashCode() {
        return plans.hashCode();
    }

    @Override
    public String toString() {
        return "DevicePlans" + plans.values();
    }
}
