package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * graph.css keeps WCAG AA: each node kind's label colour on its box 4.5:1, its border and the edges
 * 3:1 on the white panel the graph sits on (1.4.11 non-text contrast).
 */
class GraphCssTest {
    static final Pattern RULE = Pattern.compile("([^{}]+)\\{([^}]*)}");
    static final Pattern NODE_PART = Pattern.compile("\\.graph-node((?:\\.[A-Za-z0-9_-]+)*) (rect|text)");
    static final Pattern COLOUR = Pattern.compile("(fill|stroke):\\s*(#[0-9a-fA-F]{6})");

    @Test
    void labelsBordersAndEdgesHaveEnoughContrast() throws Exception {
        String css;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("ui/static/graph.css")) {
            assertThat(in).isNotNull();
            css = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?s)/\\*.*?\\*/", "");
        }
        css = css.replaceAll("(?s)@media[^{]*\\{(.*?\\})\\s*}", ""); // forced colours use system colours
        Map<String, String> colours = new HashMap<>(); // "<classes> rect fill" -> #hex
        String edge = null;
        Matcher rule = RULE.matcher(css);
        while (rule.find()) {
            for (String selector : rule.group(1).split(",")) {
                Matcher part = NODE_PART.matcher(selector.strip());
                Matcher colour = COLOUR.matcher(rule.group(2));
                while (colour.find()) {
                    if (part.matches()) colours.put(part.group(1) + " " + part.group(2) + " " + colour.group(1), colour.group(2));
                    if (selector.strip().equals(".graph-edge") && colour.group(1).equals("stroke")) edge = colour.group(2);
                }
            }
        }
        assertThat(edge).isNotNull();
        assertThat(contrast(edge, "#ffffff")).isGreaterThanOrEqualTo(3.0);
        int kinds = 0;
        for (String key : colours.keySet()) {
            if (!key.endsWith(" rect fill") && !key.endsWith(" text fill")) continue;
            String classes = key.substring(0, key.indexOf(' '));
            // "" is the plain .graph-node rule, which every kind inherits what it does not set.
            String box = colours.getOrDefault(classes + " rect fill", colours.get(" rect fill"));
            String text = colours.getOrDefault(classes + " text fill", colours.get(" text fill"));
            String border = colours.getOrDefault(classes + " rect stroke", colours.get(" rect stroke"));
            assertThat(contrast(text, box)).as("label on %s", classes).isGreaterThanOrEqualTo(4.5);
            assertThat(contrast(border, "#ffffff")).as("border of %s", classes).isGreaterThanOrEqualTo(3.0);
            kinds++;
        }
        assertThat(kinds).isGreaterThan(20);
    }

    @Test
    void contrastFormula() {
        assertThat(contrast("#000000", "#ffffff")).isEqualTo(21.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(contrast("#777777", "#ffffff")).isEqualTo(4.48, org.assertj.core.data.Offset.offset(0.01));
    }

    /** WCAG 2 contrast ratio of two sRGB colours. */
    static double contrast(String a, String b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    static double luminance(String hex) {
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
            c[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }
}
