package dev.coxswain.core.pganalysis;

import static dev.coxswain.core.pganalysis.ConfigCheck.Severity.ERROR;
import static dev.coxswain.core.pganalysis.ConfigCheck.Severity.INFO;
import static dev.coxswain.core.pganalysis.ConfigCheck.Severity.OK;
import static dev.coxswain.core.pganalysis.ConfigCheck.Severity.WARNING;

import dev.coxswain.core.pganalysis.ConfigCheck.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The config_check rules: deterministic functions of settings (pg_settings, values with units as
 * a DBA writes them) and server facts (keys starting with {@code fact.}). No database here, so
 * every rule can be tested with a crafted map. A rule whose inputs are missing is not performed,
 * and does not count in checks_performed.
 */
public final class ConfigRules {
    public static final String FACT_RAM = "fact.total_ram_bytes";
    public static final String FACT_RAM_UNKNOWN = "fact.total_ram_unknown";
    public static final String FACT_LOGIN_SUPERUSERS = "fact.login_superusers";
    public static final String FACT_CURRENT_USER_SUPERUSER = "fact.current_user_superuser";
    public static final String FACT_NO_PASSWORD = "fact.roles_without_password";
    public static final String FACT_NO_PASSWORD_UNKNOWN = "fact.roles_without_password.unknown";
    /** One line per trust rule of pg_hba_file_rules: {@code line_number|type|address}. */
    public static final String FACT_HBA_TRUST = "fact.hba_trust_rules";
    public static final String FACT_HBA_TRUST_UNKNOWN = "fact.hba_trust_rules.unknown";

    public static final String MEMORY = "memory", WAL = "wal", AUTOVACUUM = "autovacuum", LOGGING = "logging",
            CONNECTIONS = "connections", PLANNER = "planner", SECURITY = "security";

    private final Map<String, String> f;
    private final Lang lang;
    private final List<ConfigCheck> out = new ArrayList<>();

    public ConfigRules(Map<String, String> settingsAndFacts, Lang lang) {
        this.f = Map.copyOf(settingsAndFacts);
        this.lang = lang;
    }

    public List<ConfigCheck> evaluate(boolean performance, boolean security) {
        out.clear();
        if (performance) {
            memory();
            wal();
            autovacuum();
            logging();
            connections();
            planner();
        }
        if (security) security();
        return List.copyOf(out);
    }

    // ---- memory -------------------------------------------------------------------------------

    private void memory() {
        Long ram = ram();
        if (ram != null) {
            add("total_ram", MEMORY, OK, PgUnits.formatBytes(ram), null,
                    t("ОЗУ сервера прочитано из /proc/meminfo; проверки памяти учитывают его.",
                            "Server RAM read from /proc/meminfo; memory checks take it into account."), null);
        } else {
            String reason = f.getOrDefault(FACT_RAM_UNKNOWN, t("не прочитано", "not read"));
            add("total_ram", MEMORY, INFO, "unknown", null,
                    t("Объём ОЗУ сервера неизвестен (" + reason + "); проверки относительно ОЗУ пропущены.",
                            "Server RAM is unknown (" + reason + "); checks relative to RAM are skipped."), null);
        }
        sharedBuffers(ram);
        effectiveCacheSize(ram);
        workMem(ram);
        maintenanceWorkMem(ram);
    }

    private void sharedBuffers(Long ram) {
        Long sb = bytes("shared_buffers");
        if (sb == null) return;
        String cur = PgUnits.formatBytes(sb);
        if (ram == null) {
            if (sb <= 128 * PgUnits.MB) {
                add("shared_buffers", MEMORY, INFO, cur, "25% RAM",
                        t("Значение по умолчанию рассчитано на очень маленький сервер; обычно ставят около 25% ОЗУ.",
                                "The default is sized for a tiny machine; about 25% of RAM is usual."),
                        t("Увеличить shared_buffers примерно до 25% ОЗУ", "Raise shared_buffers to about 25% of RAM"));
            } else {
                ok("shared_buffers", MEMORY, cur);
            }
            return;
        }
        String rec = PgUnits.recommendBytes(ram / 4);
        double ratio = sb / (double) ram;
        if (ratio < 0.15) {
            add("shared_buffers", MEMORY, WARNING, cur, rec,
                    t("Меньше 15% ОЗУ: горячие данные не помещаются в кэш PostgreSQL.",
                            "Below 15% of RAM: the hot data does not fit PostgreSQL's cache."),
                    t("Увеличить shared_buffers до " + rec + " (25% ОЗУ)", "Raise shared_buffers to " + rec + " (25% of RAM)"));
        } else if (ratio > 0.40) {
            add("shared_buffers", MEMORY, WARNING, cur, rec,
                    t("Больше 40% ОЗУ: меньше памяти остаётся ОС, work_mem и кэшу файловой системы.",
                            "Above 40% of RAM: too little is left for the OS, work_mem and the file system cache."),
                    t("Уменьшить shared_buffers до " + rec + " (25% ОЗУ)", "Lower shared_buffers to " + rec + " (25% of RAM)"));
        } else {
            ok("shared_buffers", MEMORY, cur);
        }
    }

    private void effectiveCacheSize(Long ram) {
        Long ecs = bytes("effective_cache_size");
        if (ecs == null) return;
        String cur = PgUnits.formatBytes(ecs);
        Long sb = bytes("shared_buffers");
        if (ram != null) {
            String rec = PgUnits.recommendBytes(ram * 3 / 4);
            if (ecs < ram / 2 || ecs > ram) {
                add("effective_cache_size", MEMORY, WARNING, cur, rec,
                        t("Планировщик оценивает кэш неверно (должно быть 50–100% ОЗУ) и выбирает не те планы.",
                                "The planner misjudges the cache (it should be 50–100% of RAM) and picks the wrong plans."),
                        t("Установить effective_cache_size = " + rec + " (75% ОЗУ)", "Set effective_cache_size to " + rec + " (75% of RAM)"));
            } else {
                ok("effective_cache_size", MEMORY, cur);
            }
        } else if (sb != null && ecs < sb) {
            add("effective_cache_size", MEMORY, WARNING, cur, "≥ " + PgUnits.formatBytes(sb * 2),
                    t("Меньше shared_buffers: планировщик считает кэш меньше, чем он есть, и избегает индексов.",
                            "Below shared_buffers: the planner thinks the cache is smaller than it is and avoids indexes."),
                    t("Установить effective_cache_size около 75% ОЗУ", "Set effective_cache_size to about 75% of RAM"));
        } else {
            ok("effective_cache_size", MEMORY, cur);
        }
    }

    private void workMem(Long ram) {
        Long wm = bytes("work_mem");
        if (wm == null) return;
        String cur = PgUnits.formatBytes(wm);
        if (wm < PgUnits.MB) {
            add("work_mem", MEMORY, WARNING, cur, "4MB",
                    t("Меньше 1MB: сортировки и хэши уходят во временные файлы на диске.",
                            "Below 1MB: sorts and hashes spill to temporary files on disk."),
                    t("Увеличить work_mem до 4MB", "Raise work_mem to 4MB"));
        } else {
            ok("work_mem", MEMORY, cur);
        }
        Long conns = number("max_connections");
        if (ram == null || conns == null) return;
        long total = wm * conns;
        String totalText = cur + " × " + conns + " = " + PgUnits.formatBytes(total);
        if (total > ram) {
            String rec = PgUnits.recommendBytes(ram / 4 / Math.max(1, conns));
            add("work_mem_x_max_connections", MEMORY, WARNING, totalText, "work_mem ≤ " + rec,
                    t("work_mem × max_connections больше ОЗУ: при нагрузке сервер может уйти в OOM.",
                            "work_mem × max_connections exceeds RAM: under load the server can run out of memory."),
                    t("Уменьшить work_mem до " + rec + " или max_connections (пул соединений)",
                            "Lower work_mem to " + rec + " or max_connections (use a connection pooler)"));
        } else {
            ok("work_mem_x_max_connections", MEMORY, totalText);
        }
    }

    private void maintenanceWorkMem(Long ram) {
        Long mwm = bytes("maintenance_work_mem");
        if (mwm == null) return;
        String cur = PgUnits.formatBytes(mwm);
        if (mwm < 64 * PgUnits.MB) {
            add("maintenance_work_mem", MEMORY, WARNING, cur, "256MB",
                    t("Меньше 64MB: VACUUM и CREATE INDEX идут медленно и в несколько проходов.",
                            "Below 64MB: VACUUM and CREATE INDEX are slow and take several passes."),
                    t("Увеличить maintenance_work_mem до 256MB", "Raise maintenance_work_mem to 256MB"));
        } else if (ram != null && mwm > ram / 4) {
            String rec = PgUnits.recommendBytes(ram / 16);
            add("maintenance_work_mem", MEMORY, WARNING, cur, rec,
                    t("Больше 25% ОЗУ: каждый процесс autovacuum может занять столько же.",
                            "Above 25% of RAM: every autovacuum worker may use this much."),
                    t("Уменьшить maintenance_work_mem до " + rec, "Lower maintenance_work_mem to " + rec));
        } else {
            ok("maintenance_work_mem", MEMORY, cur);
        }
    }

    // ---- WAL and checkpoints --------------------------------------------------------------------

    private void wal() {
        Long maxWal = bytes("max_wal_size");
        if (maxWal != null) {
            if (maxWal < PgUnits.GB) {
                add("max_wal_size", WAL, WARNING, PgUnits.formatBytes(maxWal), "1GB",
                        t("Меньше 1GB: контрольные точки по объёму WAL идут слишком часто.",
                                "Below 1GB: checkpoints triggered by WAL volume come too often."),
                        t("Увеличить max_wal_size до 1GB или больше", "Raise max_wal_size to 1GB or more"));
            } else {
                ok("max_wal_size", WAL, PgUnits.formatBytes(maxWal));
            }
        }
        Long ct = millis("checkpoint_timeout");
        if (ct != null) {
            if (ct < 5 * 60_000) {
                add("checkpoint_timeout", WAL, WARNING, PgUnits.formatMillis(ct), "15min",
                        t("Меньше 5 минут: частые контрольные точки увеличивают запись и объём full-page writes.",
                                "Below 5 minutes: frequent checkpoints add writes and full-page images."),
                        t("Настроить checkpoint_timeout: 15min", "Set checkpoint_timeout to 15min"));
            } else {
                ok("checkpoint_timeout", WAL, PgUnits.formatMillis(ct));
            }
        }
        Double cct = decimal("checkpoint_completion_target");
        if (cct != null) {
            if (cct < 0.9) {
                add("checkpoint_completion_target", WAL, WARNING, f.get("checkpoint_completion_target"), "0.9",
                        t("Запись контрольной точки сжата во времени и даёт всплески ввода-вывода.",
                                "Checkpoint writes are squeezed into a short time and cause I/O spikes."),
                        t("Установить checkpoint_completion_target = 0.9", "Set checkpoint_completion_target to 0.9"));
            } else {
                ok("checkpoint_completion_target", WAL, f.get("checkpoint_completion_target"));
            }
        }
        onOff("wal_compression", WAL, "on", INFO,
                t("Сжатие full-page images уменьшает объём WAL ценой небольшой нагрузки на CPU.",
                        "Compressing full-page images shrinks WAL at a small CPU cost."),
                t("Включить wal_compression", "Turn wal_compression on"));
        onOff("fsync", WAL, "on", ERROR,
                t("Без fsync сбой питания или ОС может повредить базу безвозвратно.",
                        "Without fsync a power or OS failure can corrupt the database for good."),
                t("Включить fsync", "Turn fsync on"));
        onOff("full_page_writes", WAL, "on", ERROR,
                t("Без full_page_writes частично записанные страницы после сбоя повреждают данные.",
                        "Without full_page_writes, torn pages after a crash corrupt data."),
                t("Включить full_page_writes", "Turn full_page_writes on"));
        String sc = f.get("synchronous_commit");
        if (sc != null) {
            if (sc.equals("off")) {
                add("synchronous_commit", WAL, INFO, sc, "on",
                        t("Последние подтверждённые транзакции могут пропасть при сбое (без повреждения данных).",
                                "The last acknowledged transactions can be lost in a crash (without corruption)."),
                        t("Включить synchronous_commit, если потеря последних транзакций недопустима",
                                "Turn synchronous_commit on unless losing the last transactions is acceptable"));
            } else {
                ok("synchronous_commit", WAL, sc);
            }
        }
    }

    // ---- autovacuum ---------------------------------------------------------------------------

    private void autovacuum() {
        onOff("autovacuum", AUTOVACUUM, "on", ERROR,
                t("Без autovacuum таблицы раздуваются, статистика устаревает, грозит wraparound идентификаторов транзакций.",
                        "Without autovacuum tables bloat, statistics go stale and transaction ID wraparound looms."),
                t("Включить autovacuum", "Turn autovacuum on"));
        onOff("track_counts", AUTOVACUUM, "on", ERROR,
                t("Без track_counts autovacuum не знает, какие таблицы обрабатывать.",
                        "Without track_counts autovacuum cannot tell which tables need work."),
                t("Включить track_counts", "Turn track_counts on"));
        Long naptime = millis("autovacuum_naptime");
        if (naptime != null) {
            if (naptime > 5 * 60_000) {
                add("autovacuum_naptime", AUTOVACUUM, WARNING, PgUnits.formatMillis(naptime), "1min",
                        t("Больше 5 минут: autovacuum слишком редко проверяет базы.", "Above 5 minutes: autovacuum looks at databases too rarely."),
                        t("Установить autovacuum_naptime = 1min", "Set autovacuum_naptime to 1min"));
            } else {
                ok("autovacuum_naptime", AUTOVACUUM, PgUnits.formatMillis(naptime));
            }
        }
        scaleFactor("autovacuum_vacuum_scale_factor", 0.2, "0.1",
                t("Больше 0.2: большие таблицы очищаются, только когда мёртвых строк очень много.",
                        "Above 0.2: big tables are vacuumed only once dead rows pile up."));
        scaleFactor("autovacuum_analyze_scale_factor", 0.1, "0.05",
                t("Больше 0.1: статистика больших таблиц обновляется слишком редко.",
                        "Above 0.1: statistics of big tables are refreshed too rarely."));
        Long workers = number("autovacuum_max_workers");
        if (workers != null) {
            if (workers < 3) {
                add("autovacuum_max_workers", AUTOVACUUM, WARNING, workers.toString(), "3",
                        t("Меньше 3: одна большая таблица занимает autovacuum, остальные ждут.",
                                "Below 3: one big table keeps autovacuum busy while the rest wait."),
                        t("Установить autovacuum_max_workers = 3 или больше", "Set autovacuum_max_workers to 3 or more"));
            } else {
                ok("autovacuum_max_workers", AUTOVACUUM, workers.toString());
            }
        }
    }

    private void scaleFactor(String name, double max, String rec, String why) {
        Double v = decimal(name);
        if (v == null) return;
        if (v > max) {
            add(name, AUTOVACUUM, WARNING, f.get(name), rec, why, t("Уменьшить " + name + " до " + rec, "Lower " + name + " to " + rec));
        } else {
            ok(name, AUTOVACUUM, f.get(name));
        }
    }

    // ---- logging ------------------------------------------------------------------------------

    private void logging() {
        Long lmds = millis("log_min_duration_statement");
        if (lmds != null) {
            String cur = lmds < 0 ? "-1" : PgUnits.formatMillis(lmds);
            if (lmds < 0) {
                add("log_min_duration_statement", LOGGING, INFO, cur, "1s",
                        t("Медленные запросы не пишутся в журнал.", "Slow queries are not logged."),
                        t("Установить log_min_duration_statement = 1s, чтобы видеть медленные запросы",
                                "Set log_min_duration_statement to 1s to see slow queries"));
            } else if (lmds == 0) {
                add("log_min_duration_statement", LOGGING, WARNING, cur, "1s",
                        t("0 пишет в журнал каждый запрос: большой объём журнала и нагрузка.",
                                "0 logs every statement: a flood of log volume and overhead."),
                        t("Установить log_min_duration_statement = 1s", "Set log_min_duration_statement to 1s"));
            } else {
                ok("log_min_duration_statement", LOGGING, cur);
            }
        }
        onOff("log_checkpoints", LOGGING, "on", INFO,
                t("Без него не видно, как часто и почему происходят контрольные точки.", "Without it you cannot see how often and why checkpoints happen."),
                t("Включить log_checkpoints", "Turn log_checkpoints on"));
        onOff("log_lock_waits", LOGGING, "on", INFO,
                t("Долгие ожидания блокировок (дольше deadlock_timeout) не попадают в журнал.",
                        "Long lock waits (longer than deadlock_timeout) are not logged."),
                t("Включить log_lock_waits", "Turn log_lock_waits on"));
        Long ltf = bytes("log_temp_files");
        if (ltf != null) {
            if (ltf < 0) {
                add("log_temp_files", LOGGING, INFO, "-1", "0",
                        t("Временные файлы не пишутся в журнал, и нехватку work_mem не заметить.",
                                "Temporary files are not logged, so a too-small work_mem goes unnoticed."),
                        t("Установить log_temp_files = 0", "Set log_temp_files to 0"));
            } else {
                ok("log_temp_files", LOGGING, PgUnits.formatBytes(ltf));
            }
        }
    }

    // ---- connections --------------------------------------------------------------------------

    private void connections() {
        Long mc = number("max_connections");
        if (mc != null) {
            if (mc > 500) {
                add("max_connections", CONNECTIONS, WARNING, mc.toString(), "≤ 500",
                        t("Больше 500 соединений: каждое — отдельный процесс; нужен пул соединений (PgBouncer).",
                                "Above 500: every connection is a process; use a connection pooler (PgBouncer)."),
                        t("Уменьшить max_connections и использовать пул соединений", "Lower max_connections and use a connection pooler"));
            } else {
                ok("max_connections", CONNECTIONS, mc.toString());
            }
        }
        Long src = number("superuser_reserved_connections");
        if (src != null) {
            if (src < 3) {
                add("superuser_reserved_connections", CONNECTIONS, WARNING, src.toString(), "3",
                        t("Меньше 3: при исчерпании соединений администратор может не подключиться.",
                                "Below 3: when connections run out, an administrator may not get in."),
                        t("Установить superuser_reserved_connections = 3", "Set superuser_reserved_connections to 3"));
            } else {
                ok("superuser_reserved_connections", CONNECTIONS, src.toString());
            }
        }
        Long iit = millis("idle_in_transaction_session_timeout");
        if (iit != null) {
            if (iit == 0) {
                add("idle_in_transaction_session_timeout", CONNECTIONS, WARNING, "0", "10min",
                        t("Забытые открытые транзакции держат блокировки и мешают VACUUM сколь угодно долго.",
                                "Forgotten open transactions hold locks and block VACUUM for as long as they like."),
                        t("Установить idle_in_transaction_session_timeout = 10min", "Set idle_in_transaction_session_timeout to 10min"));
            } else {
                ok("idle_in_transaction_session_timeout", CONNECTIONS, PgUnits.formatMillis(iit));
            }
        }
    }

    // ---- planner ------------------------------------------------------------------------------

    /** effective_io_concurrency above 1 says the storage handles parallel I/O, i.e. SSD or RAID. */
    private void planner() {
        Double rpc = decimal("random_page_cost");
        if (rpc == null) return;
        String cur = f.get("random_page_cost");
        Double spc = decimal("seq_page_cost");
        Long eic = number("effective_io_concurrency");
        if (spc != null && rpc < spc) {
            add("random_page_cost", PLANNER, WARNING, cur, "≥ seq_page_cost (" + f.get("seq_page_cost") + ")",
                    t("Случайное чтение не бывает дешевле последовательного; планы будут искажены.",
                            "Random reads are never cheaper than sequential ones; plans will be skewed."),
                    t("Установить random_page_cost не меньше seq_page_cost", "Set random_page_cost no lower than seq_page_cost"));
        } else if (rpc > 4) {
            add("random_page_cost", PLANNER, WARNING, cur, "1.1 (SSD) / 4 (HDD)",
                    t("Больше 4: планировщик избегает индексов даже там, где они быстрее.",
                            "Above 4: the planner avoids indexes even where they are faster."),
                    t("Установить random_page_cost = 1.1 для SSD или 4 для HDD", "Set random_page_cost to 1.1 on SSD or 4 on HDD"));
        } else if (eic != null && eic > 1 && rpc >= 2) {
            add("random_page_cost", PLANNER, WARNING, cur + " (effective_io_concurrency " + eic + ")", "1.1",
                    t("effective_io_concurrency указывает на SSD, а random_page_cost рассчитан на вращающиеся диски.",
                            "effective_io_concurrency suggests SSD, but random_page_cost is tuned for spinning disks."),
                    t("Установить random_page_cost = 1.1 для SSD", "Set random_page_cost to 1.1 for SSD"));
        } else {
            ok("random_page_cost", PLANNER, cur);
        }
    }

    // ---- security -----------------------------------------------------------------------------

    private void security() {
        String pe = f.get("password_encryption");
        if (pe != null) {
            if (!pe.equals("scram-sha-256")) {
                add("password_encryption", SECURITY, WARNING, pe, "scram-sha-256",
                        t("MD5-хэши паролей устарели и уязвимы к перехвату и подбору.", "MD5 password hashes are obsolete and open to replay and cracking."),
                        t("Установить password_encryption = scram-sha-256 и сменить пароли", "Set password_encryption to scram-sha-256 and reset passwords"));
            } else {
                ok("password_encryption", SECURITY, pe);
            }
        }
        onOff("ssl", SECURITY, "on", WARNING,
                t("Без SSL пароли и данные идут по сети открытым текстом.", "Without SSL, passwords and data cross the network in clear text."),
                t("Включить ssl и требовать hostssl в pg_hba.conf", "Turn ssl on and require hostssl in pg_hba.conf"));
        String la = f.get("listen_addresses");
        if (la != null) {
            boolean all = Arrays.stream(la.split(",")).map(String::trim).anyMatch(a -> a.equals("*") || a.equals("0.0.0.0") || a.equals("::"));
            if (all) {
                add("listen_addresses", SECURITY, WARNING, la, t("конкретные адреса", "specific addresses"),
                        t("Сервер слушает все сетевые интерфейсы; защита держится только на pg_hba.conf и firewall.",
                                "The server listens on every interface; only pg_hba.conf and the firewall protect it."),
                        t("Ограничить listen_addresses нужными интерфейсами", "Restrict listen_addresses to the interfaces you need"));
            } else {
                ok("listen_addresses", SECURITY, la);
            }
        }
        superusers();
        rolesWithoutPassword();
        hbaTrust();
    }

    private void superusers() {
        if (f.containsKey(FACT_LOGIN_SUPERUSERS)) {
            List<String> su = lines(FACT_LOGIN_SUPERUSERS);
            String cur = String.join(", ", su);
            if (su.size() > 1) {
                add("login_superusers", SECURITY, WARNING, cur, "1",
                        t("Несколько суперпользователей с правом входа: каждый — полный доступ к серверу и ОС.",
                                "Several superusers can log in: each has full control of the server and its OS account."),
                        t("Оставить одного суперпользователя, остальным выдать нужные роли (pg_monitor и т. п.)",
                                "Keep one superuser and give the others the roles they need (pg_monitor etc.)"));
            } else {
                ok("login_superusers", SECURITY, cur);
            }
        }
        if ("on".equals(f.get(FACT_CURRENT_USER_SUPERUSER))) {
            add("analysis_role", SECURITY, INFO, "superuser", "pg_monitor",
                    t("Анализ выполняется от имени суперпользователя; достаточно роли с pg_monitor.",
                            "The analysis runs as a superuser; a role with pg_monitor is enough."),
                    t("Подключать анализ под отдельной ролью с pg_monitor", "Connect the analysis as a separate role with pg_monitor"));
        }
    }

    private void rolesWithoutPassword() {
        if (f.containsKey(FACT_NO_PASSWORD)) {
            List<String> roles = lines(FACT_NO_PASSWORD);
            if (!roles.isEmpty()) {
                add("roles_without_password", SECURITY, WARNING, String.join(", ", roles), t("пароль у каждой роли", "a password for every role"),
                        t("Роли с правом входа без пароля входят только через trust/peer/cert — проверьте, что pg_hba.conf это ограничивает.",
                                "Login roles without a password can only enter via trust/peer/cert; make sure pg_hba.conf restricts that."),
                        t("Задать пароли ролям: " + String.join(", ", roles), "Set passwords for the roles: " + String.join(", ", roles)));
            } else {
                ok("roles_without_password", SECURITY, t("нет", "none"));
            }
        } else if (f.containsKey(FACT_NO_PASSWORD_UNKNOWN)) {
            add("roles_without_password", SECURITY, INFO, "unknown", null,
                    t("Не проверено: " + f.get(FACT_NO_PASSWORD_UNKNOWN), "Not checked: " + f.get(FACT_NO_PASSWORD_UNKNOWN)), null);
        }
    }

    /** trust from anywhere but the machine itself lets anyone who can reach the port in as anyone. */
    private void hbaTrust() {
        if (f.containsKey(FACT_HBA_TRUST)) {
            List<String> rules = lines(FACT_HBA_TRUST);
            List<String> remote = new ArrayList<>(), local = new ArrayList<>();
            for (String r : rules) {
                String[] p = r.split("\\|", -1);
                String line = p[0], type = p.length > 1 ? p[1] : "", addr = p.length > 2 ? p[2] : "";
                boolean loopback = type.equals("local") || addr.startsWith("127.") || addr.equals("::1") || addr.equals("localhost");
                (loopback ? local : remote).add(t("строка ", "line ") + line + " " + type + (addr.isEmpty() ? "" : " " + addr));
            }
            if (!remote.isEmpty()) {
                add("hba_trust", SECURITY, ERROR, String.join("; ", remote), "scram-sha-256",
                        t("trust по сети: любой, кто достучится до порта, входит под любой ролью без пароля.",
                                "trust over the network: anyone who reaches the port logs in as any role without a password."),
                        t("Заменить trust на scram-sha-256 в pg_hba.conf", "Replace trust with scram-sha-256 in pg_hba.conf"));
            } else if (!local.isEmpty()) {
                add("hba_trust", SECURITY, WARNING, String.join("; ", local), "peer / scram-sha-256",
                        t("trust для локальных подключений: любой пользователь ОС на сервере входит под любой ролью.",
                                "trust for local connections: any OS user on the server logs in as any role."),
                        t("Заменить trust на peer или scram-sha-256 в pg_hba.conf", "Replace trust with peer or scram-sha-256 in pg_hba.conf"));
            } else {
                ok("hba_trust", SECURITY, t("нет", "none"));
            }
        } else if (f.containsKey(FACT_HBA_TRUST_UNKNOWN)) {
            add("hba_trust", SECURITY, INFO, "unknown", null,
                    t("Не проверено: " + f.get(FACT_HBA_TRUST_UNKNOWN), "Not checked: " + f.get(FACT_HBA_TRUST_UNKNOWN)), null);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void onOff(String name, String category, String good, Severity bad, String why, String recommendation) {
        String v = f.get(name);
        if (v == null) return;
        // wal_compression also takes pglz/lz4/zstd on PG15+, which count as on.
        boolean isGood = good.equals("on") ? !v.equals("off") : v.equals(good);
        if (isGood) ok(name, category, v);
        else add(name, category, bad, v, good, why, recommendation);
    }

    private void ok(String id, String category, String current) {
        add(id, category, OK, current, null, t("В порядке.", "Fine."), null);
    }

    private void add(String id, String category, Severity sev, String current, String recommended, String why, String recommendation) {
        out.add(new ConfigCheck(id, category, sev, current, recommended, why, recommendation));
    }

    private String t(String ru, String en) {
        return lang.t(ru, en);
    }

    private Long ram() {
        return number(FACT_RAM);
    }

    private Long bytes(String name) {
        return PgUnits.bytes(f.get(name));
    }

    private Long millis(String name) {
        return PgUnits.millis(f.get(name));
    }

    private Long number(String name) {
        try {
            String v = f.get(name);
            return v == null ? null : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Double decimal(String name) {
        try {
            String v = f.get(name);
            return v == null ? null : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private List<String> lines(String key) {
        return Arrays.stream(f.get(key).split("\n")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
