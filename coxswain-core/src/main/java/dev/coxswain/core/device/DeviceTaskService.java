package dev.coxswain.core.device;

/* TEMPORARY copy of the BRIEF signatures so the device face compiles; deleted before h/devsvc is merged. */
public class DeviceTaskService {
    public Created create(dev.coxswain.core.domain.Principal p, CreateRequest r) { throw new UnsupportedOperationException(); }
    public dev.coxswain.core.domain.Page<DeviceTask> list(Integer status, String serial, String scriptName, String source, int page, int pageSize) { throw new UnsupportedOperationException(); }
    public DeviceTask get(long id) { throw new UnsupportedOperationException(); }
    public void delete(long id) { throw new UnsupportedOperationException(); }
    public BatchDeleted deleteAll(java.util.List<Long> ids) { throw new UnsupportedOperationException(); }
    public DeviceTask stop(long id) { throw new UnsupportedOperationException(); }
    public DeviceTask retry(long id) { throw new UnsupportedOperationException(); }
    public int retryAll() { throw new UnsupportedOperationException(); }
    public Stats stats() { throw new UnsupportedOperationException(); }
    public License license(dev.coxswain.core.domain.Principal p) { throw new UnsupportedOperationException(); }
    public void checkAccess(dev.coxswain.core.domain.Principal p) { if (p.tier() == dev.coxswain.core.domain.Tier.STARTER) throw new PlanRefusedException("API access requires Pro+ plan (current plan: Starter)"); }
}
