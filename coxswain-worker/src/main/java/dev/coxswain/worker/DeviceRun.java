package dev.coxswain.worker;

import java.time.Duration;

/** The {@link DeviceTaskContext} of one attempt: the task's context plus the device's lease. */
final class DeviceRun implements DeviceTaskContext {
    private final TaskContext task;
    private final String serial;
    private final String username;
    private final DeviceLocks.Lease lease;

    DeviceRun(TaskContext task, String serial, String username, DeviceLocks.Lease lease) {
        this.task = task;
        this.serial = serial;
        this.username = username;
        this.lease = lease;
    }

    @Override
    public String serial() {
        return serial;
    }

    @Override
    public String script() {
        return task.skill();
    }

    @Override
    public String username() {
        return username;
    }

    @Override
    public boolean isStopped() {
        return task.isCancelled() || lease.withdrawn();
    }

    @Override
    public boolean awaitStop(Duration timeout) {
        // A withdrawal interrupts the wait rather than ending it through the task's latch.
        return task.awaitCancellation(timeout) || isStopped();
    }

    @Override
    public void progress(double fraction, String message) {
        task.progress(fraction, message);
    }

    @Override
    public void log(LogLevel level, String message) {
        task.log(level, message);
    }

    @Override
    public TaskContext task() {
        return task;
    }
}
