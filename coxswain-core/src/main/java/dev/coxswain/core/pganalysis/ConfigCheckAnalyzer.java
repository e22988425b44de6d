package dev.coxswain.core.pganalysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.pganalysis.ConfigCheck.Severity;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The {@code config_check} task: reads settings and facts from the target, judges them with
 * {@link ConfigRules} and renders the report.
 *
 * <p>Params: {@code check_performance}, {@code check_security} (both default true),
 * {@code language} {@code ru} (default) or {@code en}. Result: the seed's keys
 * {@code checks_performed}, {@code warnings} and {@code errors} (counts, as the seed prints them:
 * a client reads them as numbers) and {@code recommendations}; the lines behind the counts are
 * {@code warning_details} and {@code error_details} ({@code "<setting> = <value>: <why>"}), plus
 * {@code checks:[{id,category,severity,current,recommended,why}]}, {@code summary} (count per
 * severity), {@code server} and {@code language}.
 */
public final class ConfigCheckAnalyzer {
    public ObjectNode run(PgTarget target, JsonNode params) {
        TaskParams p = new TaskParams(params);
        boolean performance = p.bool("check_performance", true);
        boolean security = p.bool("check_security", true);
        Lang lang = Lang.of(p.text("language"));
        Map<String, String> facts;
        try (PgSession session = PgSession.open(target)) {
            try {
                facts = PgFactsReader.read(session.connection());
            } catch (SQLException e) {
                throw session.failure(e);
            }
        }
        return report(facts, new ConfigRules(facts, lang).evaluate(performance, security), lang);
    }

    /** Public so the rendering can be checked without a database. */
    public static ObjectNode report(Map<String, String> facts, List<ConfigCheck> checks, Lang lang) {
        ObjectNode out = Json.object();
        out.put("checks_performed", checks.size());
        // The seed's keys first, in its order; the counts are filled in once the checks are walked.
        out.put("warnings", 0);
        out.put("errors", 0);
        ArrayNode recommendations = out.putArray("recommendations");
        ArrayNode warnings = out.putArray("warning_details");
        ArrayNode errors = out.putArray("error_details");
        ArrayNode checkArray = out.putArray("checks");
        ObjectNode summary = Json.object();
        for (Severity s : Severity.values()) summary.put(s.json(), 0);
        for (ConfigCheck c : checks) {
            checkArray.add(c.toJson());
            summary.put(c.severity().json(), summary.get(c.severity().json()).asInt() + 1);
            if (c.severity() == Severity.WARNING) warnings.add(c.summary());
            if (c.severity() == Severity.ERROR) errors.add(c.summary());
            if (c.severity() != Severity.OK && c.recommendation() != null) recommendations.add(c.recommendation());
        }
        out.put("warnings", warnings.size());
        out.put("errors", errors.size());
        out.set("summary", summary);
        ObjectNode server = out.putObject("server");
        server.put("version", facts.get("server_version"));
        String num = facts.get("server_version_num");
        if (num != null && num.matches("\\d+")) server.put("version_num", Integer.parseInt(num));
        else server.putNull("version_num");
        String ram = facts.get(ConfigRules.FACT_RAM);
        if (ram != null) server.put("total_ram", PgUnits.formatBytes(Long.parseLong(ram)));
        else server.putNull("total_ram");
        out.put("language", lang.name().toLowerCase(java.util.Locale.ROOT));
        return out;
    }
}
