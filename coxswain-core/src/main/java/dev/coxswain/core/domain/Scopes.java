package dev.coxswain.core.domain;

import java.util.Set;

/** The scopes a principal can hold. {@code admin} implies every other. */
public final class Scopes {
    public static final String ADMIN = "admin";
    /** Create, change, cancel and delete tasks. */
    public static final String TASKS_WRITE = "tasks:write";
    /** Read tasks, workers and system figures. */
    public static final String TASKS_READ = "tasks:read";
    /** Run shell commands (creating or changing a task or job that runs one). */
    public static final String JOBS_WRITE = "jobs:write";
    /** Speak the worker protocol (poll for work, report results). */
    public static final String WORKERS = "workers";
    /** Read everything readable. */
    public static final String READ = "read";

    public static final Set<String> ALL = Set.of(ADMIN, TASKS_WRITE, TASKS_READ, JOBS_WRITE, WORKERS, READ);

    private Scopes() {
    }
}
