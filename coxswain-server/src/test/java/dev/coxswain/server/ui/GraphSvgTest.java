package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.server.ui.GraphSvg.Edge;
import dev.coxswain.server.ui.GraphSvg.Node;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/** The SVG a page prints unescaped: well-formed, escaped, CSP-clean, laid out, bounded. */
class GraphSvgTest {
    final GraphSvg graph = new GraphSvg();

    @Test
    void labelsTitlesAndTheAccessibleNameAreEscaped() throws Exception {
        String svg = graph.render("deps", "Deps of <b>\"x\"</b>", List.of(
                new Node("1", "<script>alert(1)</script>", "status-failed", "/ui/tasks/1", "it's <img src=x onerror=alert(2)>"),
                new Node("2", "a & b \u0000 \ud800 end", "status-completed")), List.of(new Edge("1", "2")));
        assertThat(svg).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("it&#39;s &lt;img src=x onerror=alert(2)&gt;")
                .contains("aria-label=\"Deps of &lt;b&gt;&quot;x&quot;&lt;/b&gt;\"")
                .contains("a &amp; b \uFFFD \uFFFD end");
        Document doc = parse(svg); // well-formed XML, whatever the labels held
        assertThat(doc.getElementsByTagName("script").getLength()).isZero();
        // Shown as text: cut to fit in the box, whole in the edge's tooltip.
        assertThat(texts(doc, "text")).contains("<script>alert(1)</scrip…");
        assertThat(texts(doc, "title")).contains("<script>alert(1)</script> → a & b \uFFFD \uFFFD end");
        assertCspClean(doc);
    }

    @Test
    void linksOnlyToDashboardPathsAndEscapesThem() throws Exception {
        String svg = graph.render("g", "links", List.of(
                new Node("a", "a", "", "/ui/tasks/42?x=1&y=2", null),
                new Node("b", "b", "", "javascript:alert(1)", null),
                new Node("c", "c", "", "//evil.example/ui/", null),
                new Node("d", "d", "", "https://evil.example/ui/x", null),
                new Node("e", "e", "", "/ui/tasks/1\"><script>", null),
                new Node("f", "f", "", "/ui/../api/v1/keys", null),
                new Node("g", "g", "", "/api/tasks", null)), List.of());
        Document doc = parse(svg);
        NodeList links = doc.getElementsByTagName("a");
        assertThat(links.getLength()).isEqualTo(1);
        assertThat(((Element) links.item(0)).getAttribute("href")).isEqualTo("/ui/tasks/42?x=1&y=2");
        assertThat(svg).contains("href=\"/ui/tasks/42?x=1&amp;y=2\"");
        // With a link inside, the picture is a group of named links (role=img would hide them).
        assertThat(doc.getDocumentElement().getAttribute("role")).isEqualTo("group");
        assertThat(((Element) links.item(0)).getAttribute("aria-label")).isEqualTo("a");
        assertThat(parse(graph.render("g", "no links", List.of(new Node("a", "a", "")), List.of()))
                .getDocumentElement().getAttribute("role")).isEqualTo("img");
    }

    @Test
    void classesAndIdsCannotLeaveTheirAttribute() throws Exception {
        String svg = graph.render("x\" onload=\"alert(1)", "c", List.of(
                new Node("a", "a", "status-failed\" onclick=\"alert(1)"), new Node("b", "b", "kind-approval  is-current")),
                List.of(new Edge("a", "b", "edge-x'><script>")));
        Document doc = parse(svg);
        assertCspClean(doc);
        assertThat(doc.getDocumentElement().getAttribute("id")).isEqualTo("graph");
        assertThat(svg).contains("marker-end=\"url(#graph-arrow)\"").contains("id=\"graph-arrow\"")
                .contains("class=\"graph-node kind-approval is-current\"")
                .contains("class=\"graph-node status-failed onclickalert1\"")
                .contains("class=\"graph-edge edge-xscript\"");
        assertThat(graph.render("task-deps", "d", List.of(new Node("a", "a", "")), List.of()))
                .contains("id=\"task-deps\"").contains("id=\"task-deps-arrow\"");
    }

    @Test
    void everyNodeHasATitleABoxAndALabelAndLongLabelsAreShortened() throws Exception {
        String long40 = "a-very-long-task-name-that-goes-on-and-on";
        Document doc = parse(graph.render("g", "t", List.of(new Node("1", long40, "status-running"),
                new Node("2", "", "status-pending"), new Node("3", "ok", null)), List.of(new Edge("1", "2"))));
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(3);
        List<String> labels = texts(doc, "text");
        assertThat(labels).containsExactly(GraphSvg.shorten(long40), "2", "ok");
        assertThat(GraphSvg.shorten(long40)).hasSize(GraphSvg.MAX_LABEL).endsWith("…");
        assertThat(texts(doc, "title")).contains(long40, "2", "ok", long40 + " → 2");
        assertThat(GraphSvg.shorten("😀".repeat(30)).codePointCount(0, GraphSvg.shorten("😀".repeat(30)).length()))
                .isEqualTo(GraphSvg.MAX_LABEL); // never cuts a surrogate pair in half
    }

    @Test
    void layersRunLeftToRightByLongestPath() throws Exception {
        // a -> b -> c, a -> c: c is two layers right of a (longest path), not one.
        String svg = graph.render("g", "chain", List.of(new Node("c", "c", ""), new Node("b", "b", ""),
                new Node("a", "a", "")), List.of(new Edge("a", "b"), new Edge("b", "c"), new Edge("a", "c")));
        assertThat(rectX(svg, "a")).isLessThan(rectX(svg, "b"));
        assertThat(rectX(svg, "b")).isLessThan(rectX(svg, "c"));
        assertThat(rectX(svg, "c") - rectX(svg, "b")).isEqualTo(rectX(svg, "b") - rectX(svg, "a"));
        assertThat(parse(svg).getElementsByTagName("path").getLength()).isEqualTo(3 + 1); // 3 edges + the arrowhead
        assertThat(svg).contains("viewBox=\"0 0 ").doesNotContain("graph-edge-back");
    }

    @Test
    void aCycleIsBrokenDrawnAndDoesNotHang() throws Exception {
        String svg = graph.render("g", "loop", List.of(new Node("a", "a", ""), new Node("b", "b", ""),
                new Node("c", "c", "")), List.of(new Edge("a", "b"), new Edge("b", "c"), new Edge("c", "a")));
        assertThat(svg.split("graph-edge-back", -1)).hasSize(2); // exactly one edge turned round
        assertThat(svg).doesNotContain("marker-start");
        assertThat(svg.split("marker-end=\"url\\(#g-arrow\\)\"", -1)).hasSize(4); // every edge ends in an arrow
        // c -> a leaves the bottom of c and comes up into the bottom of a.
        Matcher back = Pattern.compile("graph-edge-back\" d=\"M(\\d+),(\\d+)C[^\"]* (\\d+),(\\d+)\"").matcher(svg);
        assertThat(back.find()).isTrue();
        assertThat(Integer.parseInt(back.group(1))).isEqualTo(rectX(svg, "c") + GraphLayout.NODE_WIDTH / 2);
        assertThat(Integer.parseInt(back.group(3))).isEqualTo(rectX(svg, "a") + GraphLayout.NODE_WIDTH / 2);
        assertThat(rectX(svg, "a")).isLessThan(rectX(svg, "b"));
        assertThat(rectX(svg, "b")).isLessThan(rectX(svg, "c"));
        parse(svg);

        // Every node depending on every other (39,800 edges, all in cycles): bounded work.
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < 200; i++) nodes.add(new Node("n" + i, "n" + i, ""));
        for (int i = 0; i < 200; i++) for (int j = 0; j < 200; j++) if (i != j) edges.add(new Edge("n" + i, "n" + j));
        long start = System.nanoTime();
        String dense = graph.render("g", "dense", nodes, edges);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
        assertThat(dense).contains("Showing the first 1000 links; 38800 more not drawn.");
        parse(dense);
    }

    @Test
    void selfLoopsUnknownNodesAndRepeatsAreIgnored() throws Exception {
        Document doc = parse(graph.render("g", "odd", List.of(new Node("a", "a", ""), new Node("a", "again", ""),
                new Node("b", "b", "")), List.of(new Edge("a", "a"), new Edge("a", "zzz"), new Edge("a", "b"),
                new Edge("a", "b"))));
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(2);
        assertThat(doc.getElementsByTagName("path").getLength()).isEqualTo(1 + 1);
    }

    @Test
    void anEmptyGraphSaysSo() throws Exception {
        String svg = graph.render("g", "Dependencies", List.of(), List.of());
        Document doc = parse(svg);
        assertThat(doc.getDocumentElement().getAttribute("role")).isEqualTo("img");
        assertThat(doc.getDocumentElement().getAttribute("aria-label")).isEqualTo("Dependencies (empty)");
        assertThat(texts(doc, "text")).containsExactly("Nothing to draw.");
        assertThat(svg).contains("viewBox=\"0 0 320 28\"");
    }

    @Test
    void beyondTwoHundredNodesTheFirstAreDrawnWithANote() throws Exception {
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            nodes.add(new Node("n" + i, "node " + i, "status-queued"));
            if (i > 0) edges.add(new Edge("n" + (i - 1), "n" + i));
        }
        String svg = graph.render("g", "big", nodes, edges);
        Document doc = parse(svg);
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(GraphSvg.MAX_NODES);
        assertThat(texts(doc, "text")).contains("node 199", "Showing the first 200 of 250 nodes.")
                .doesNotContain("node 200");
        assertThat(doc.getDocumentElement().getAttribute("aria-label"))
                .isEqualTo("big (Showing the first 200 of 250 nodes.)");
        assertThat(doc.getElementsByTagName("path").getLength()).isEqualTo(199 + 1);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    @Test
    void edgeLabelsAreWrittenEscapedAndTwoWaysBetweenTheSameNodesShareOneArrow() throws Exception {
        String svg = graph.render("bp", "states", List.of(new Node("start", "start", "kind-dispatch"),
                        new Node("ok", "ok", "kind-end"), new Node("bad", "bad", "kind-end")),
                List.of(new Edge("start", "ok", null, "success"), new Edge("start", "bad", null, "<b>failure</b>"),
                        new Edge("start", "bad", null, "timeout"), new Edge("ok", "start", null, "again-and-again-and-again")));
        Document doc = parse(svg);
        assertCspClean(doc);
        assertThat(svg).doesNotContain("<b>");
        assertThat(doc.getElementsByTagName("path").getLength() - 1).as("arrows (minus the marker's)").isEqualTo(3);
        assertThat(texts(doc, "text")).contains("success", "<b>failure</b>,…", "again-and-again…");
        assertThat(texts(doc, "title")).contains("start → bad (<b>failure</b>, timeout)", "ok → start (again-and-again-and-again)");
        // Without labels nothing changes.
        assertThat(graph.render("g", "g", List.of(new Node("a", "a", ""), new Node("b", "b", "")), List.of(new Edge("a", "b"))))
                .doesNotContain("graph-edge-label");
    }

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> texts(Document doc, String tag) {
        List<String> out = new ArrayList<>();
        NodeList list = doc.getElementsByTagName(tag);
        for (int i = 0; i < list.getLength(); i++) out.add(list.item(i).getTextContent());
        return out;
    }

    /** No style attributes, no event handlers, no script: what the CSP would block or what would run. */
    static void assertCspClean(Document doc) {
        NodeList all = doc.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            assertThat(e.getLocalName()).isNotIn("script", "style", "foreignObject");
            NamedNodeMap attrs = e.getAttributes();
            for (int a = 0; a < attrs.getLength(); a++) {
                String name = attrs.item(a).getNodeName().toLowerCase();
                assertThat(name).isNotEqualTo("style").doesNotStartWith("on");
            }
        }
    }

    /** The x of the box whose label is {@code label}. */
    static int rectX(String svg, String label) {
        Matcher m = Pattern.compile("<rect x=\"(\\d+)\"[^>]*/><text[^>]*>" + Pattern.quote(label) + "</text>").matcher(svg);
        assertThat(m.find()).as("box of %s", label).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
