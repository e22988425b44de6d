package dev.coxswain.core.device;

/* TEMPORARY copy of the signatures the device face uses so it compiles; deleted before h/devsvc is merged. */
public final class DevicePlans {
    public record Plan(dev.coxswain.core.domain.Tier tier, boolean apiEnabled, Integer deviceLimit, Integer concurrency) {}
    private final java.util.Map<dev.coxswain.core.domain.Tier, Plan> plans;
    private DevicePlans(java.util.Map<dev.coxswain.core.domain.Tier, Plan> plans) { this.plans = plans; }
    public static DevicePlans defaults() {
        var m = new java.util.EnumMap<dev.coxswain.core.domain.Tier, Plan>(dev.coxswain.core.domain.Tier.class);
        m.put(dev.coxswain.core.domain.Tier.STARTER, new Plan(dev.coxswain.core.domain.Tier.STARTER, false, null, null));
        m.put(dev.coxswain.core.domain.Tier.PRO, new Plan(dev.coxswain.core.domain.Tier.PRO, true, 20, 20));
        m.put(dev.coxswain.core.domain.Tier.TEAM, new Plan(dev.coxswain.core.domain.Tier.TEAM, true, 50, 50));
        m.put(dev.coxswain.core.domain.Tier.BUSINESS, new Plan(dev.coxswain.core.domain.Tier.BUSINESS, true, 200, 200));
        m.put(dev.coxswain.core.domain.Tier.UNLIMITED, new Plan(dev.coxswain.core.domain.Tier.UNLIMITED, true, null, null));
        return new DevicePlans(m);
    }
    public DevicePlans with(dev.coxswain.core.domain.Tier tier, Integer deviceLimit, Integer concurrency) {
        var m = new java.util.EnumMap<>(plans);
        m.put(tier, new Plan(tier, tier != dev.coxswain.core.domain.Tier.STARTER, deviceLimit, concurrency));
        return new DevicePlans(m);
    }
    public Plan of(dev.coxswain.core.domain.Tier tier) { return plans.get(tier == null ? dev.coxswain.core.domain.Tier.STARTER : tier); }
    @Override public boolean equals(Object o) { return o instanceof DevicePlans d && d.plans.equals(plans); }
    @Override public int hashCode() { return plans.hashCode(); }
}
