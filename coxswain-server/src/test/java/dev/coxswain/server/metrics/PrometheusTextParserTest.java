package dev.coxswain.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test parser itself must refuse what Prometheus refuses, or the metrics test proves nothing. */
class PrometheusTextParserTest {
    static final String GOOD = """
            # HELP up whether up
            # TYPE up gauge
            up{job="a",path="x\\"y\\\\z"} 1
            # TYPE h histogram
            h_bucket{le="0.1"} 1
            h_bucket{le="+Inf"} 2
            h_count 2
            h_sum 0.5
            """;

    @Test
    void acceptsValidText() {
        var f = PrometheusTextParser.parse(GOOD);
        assertThat(f.get("up").samples()).singleElement().satisfies(s -> assertThat(s.labels().get("path")).isEqualTo("x\"y\\z"));
        assertThat(f.get("h").samples()).hasSize(4);
    }

    @Test
    void refusesInvalidText() {
        assertThatThrownBy(() -> PrometheusTextParser.parse("1bad 1\n")).hasMessageContaining("bad metric name");
        assertThatThrownBy(() -> PrometheusTextParser.parse("a{b=c} 1\n")).hasMessageContaining("not quoted");
        assertThatThrownBy(() -> PrometheusTextParser.parse("a{b=\"c\"}\n")).hasMessageContaining("no value");
        assertThatThrownBy(() -> PrometheusTextParser.parse("a one\n")).hasMessageContaining("bad value");
        assertThatThrownBy(() -> PrometheusTextParser.parse("a 1\na 2\n")).hasMessageContaining("twice");
        assertThatThrownBy(() -> PrometheusTextParser.parse("a 1\nb 1\na{x=\"1\"} 1\n")).hasMessageContaining("together");
        assertThatThrownBy(() -> PrometheusTextParser.parse("a 1\n# TYPE a gauge\n")).hasMessageContaining("TYPE after");
        assertThatThrownBy(() -> PrometheusTextParser.parse("# TYPE a wobble\n")).hasMessageContaining("bad TYPE");
        assertThatThrownBy(() -> PrometheusTextParser.parse("a{b=\"c\\q\"} 1\n")).hasMessageContaining("bad escape");
        assertThatThrownBy(() -> PrometheusTextParser.parse("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n"))
                .hasMessageContaining("+Inf");
        assertThatThrownBy(() -> PrometheusTextParser.parse(
                "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n")).hasMessageContaining("cumulative");
        assertThatThrownBy(() -> PrometheusTextParser.parse(
                "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_count 2\n")).hasMessageContaining("_count");
    }
}
