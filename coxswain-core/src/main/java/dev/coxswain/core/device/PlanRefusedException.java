package dev.coxswain.core.device;

/**
 * The caller's plan does not allow what was asked: no API access at all (Starter), or more devices
 * than the plan allows. Carries the plan so a face can show it.
 */
public class PlanRefusedException extends RuntimeException {
    private final DevicePlans.Plan plan;

    public PlanRefusedException(DevicePlans.Plan plan, String message) {
        super(message);
        this.plan = plan;
    }

    public DevicePlans.Plan plan() {
        return plan;
    }
}
