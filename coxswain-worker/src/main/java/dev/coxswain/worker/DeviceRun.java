package dev.coxswain.worker;

import java.time.Duration;

/** The {@link DeviceTaskContext} of one attempt: the task's context, named for its device. */
final class DeviceRun implements DeviceTaskContext {
    private final TaskContext task;
    private final String serial;
    private final String username;

    DeviceRun(TaskContext task, String serial, String username) {
        this.task = task;
        this.serial = serial;
        this.username = username;
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
        return task.isCancelled();
    }

    @Override
    public boolean awaitStop(Duration timeout) {
        return task.awaitCancellation(timeout);
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
