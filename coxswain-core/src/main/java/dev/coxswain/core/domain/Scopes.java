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
    /**
     * Run SQL of one's own on analysed connections: create, change or run a {@code custom_sql}
     * task. More than {@code tasks:write}, because even a read-only session reaches server
     * functions and the connection role's privileges.
     */
    public static final String SQL_CUSTOM = "sql:custom";
    /** Speak the worker protocol (poll for work, report results). */
    public static final String WORKERS = "workers";
    /** Read everything readable. */
    public static final String READ = "read";

    public static final Set<String> ALL = Set.of(ADMIN, TASKS_WRITE, TASKS_READ, JOBS_WRITE, SQL_CUSTOM, WORKERS, READ);

    private Scopes() {
    }

    /**
     * The scope needed, beyond the route's own, to create, change the payload of, or run a task
     * of this type: {@code jobs:write} for {@code shell}, {@code sql:custom} for {@code custom_sql};
     * null when the route's scope is enough.
     */
    public static String toRun(String taskType) {
        return switch (taskType) {
            case "shell" -> JOBS_WRITE;
            case "custom_sql" -> SQL_CUSTOM;
            default -> null;
        };
    }
}
