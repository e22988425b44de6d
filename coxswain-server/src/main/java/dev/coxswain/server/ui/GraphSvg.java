package dev.coxswain.server.ui;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Draws a directed graph (a task's dependencies, a blueprint's states) as an inline {@code <svg>}
 * laid out left to right by {@link GraphLayout}. Server-side, so the page needs no script and the
 * picture is there on first paint.
 *
 * <p>The output is the one place a template may print with {@code $unsafe{}}, so everything taken
 * from the input is escaped here: labels, titles and the accessible name as XML text, links only
 * when they are dashboard paths ({@code /ui/…}) and escaped as attributes, CSS classes reduced to
 * safe characters. Looks come from classes only ({@code graph.css}): the CSP allows no
 * {@code style} attributes.
 *
 * <p>At most {@link #MAX_NODES} nodes (the first ones given) and {@link #MAX_EDGES} edges are
 * drawn; the picture then says how many were left out.
 */
public final class GraphSvg {
    public static final int MAX_NODES = 200;
    public static final int MAX_EDGES = 1_000;
    /** Visible label length; the whole label is in the node's {@code <title>} (the tooltip). */
    static final int MAX_LABEL = 24;
    /** How far below the boxes a back edge's curve reaches (within the gap between rows). */
    static final int BACK_EDGE_DROP = 20;
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Pattern CLASS_UNSAFE = Pattern.compile("[^A-Za-z0-9_ -]");
    // Path characters of RFC 3986 (pchar, "/", "?", "#"), so a link cannot leave the attribute or the site.
    private static final Pattern UI_HREF = Pattern.compile("/ui/[A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*");

    /**
     * One box. {@code cssClass}: its look, e.g. {@code status-failed} or {@code kind-approval}
     * (several space-separated allowed); {@code href}: a dashboard path to link, or null;
     * {@code title}: the tooltip and accessible name, or null for the label.
     */
    public record Node(String id, String label, String cssClass, String href, String title) {
        public Node(String id, String label, String cssClass) {
            this(id, label, cssClass, null, null);
        }
    }

    /**
     * An arrow from node {@code from} to node {@code to}; {@code cssClass} optional (null);
     * {@code label} optional (null): written beside the arrow (a blueprint's transition), and
     * several edges between the same two nodes become one arrow carrying all their labels.
     */
    public record Edge(String from, String to, String cssClass, String label) {
        public Edge(String from, String to) {
            this(from, to, null, null);
        }

        public Edge(String from, String to, String cssClass) {
            this(from, to, cssClass, null);
        }
    }

    /** Visible length of an edge's label (all of it is in the arrow's tooltip). */
    static final int MAX_EDGE_LABEL = 16;

    /**
     * @param domId  the svg's element id (also names its arrow marker, so two graphs on one page
     *               do not share ids); letters, digits, {@code -} and {@code _}, else "graph"
     * @param label  what the picture shows, for screen readers ({@code aria-label})
     * @param nodes  in the order they should be tried top to bottom; repeated ids after the first are ignored
     * @param edges  edges naming unknown nodes, and self-loops, are ignored
     */
    public String render(String domId, String label, List<Node> nodes, List<Edge> edges) {
        String id = domId != null && SAFE_ID.matcher(domId).matches() ? domId : "graph";
        String marker = id + "-arrow";
        Map<String, Integer> index = new LinkedHashMap<>();
        List<Node> shown = new ArrayList<>();
        int distinct = 0;
        for (Node n : nodes) {
            if (n == null || n.id() == null || index.containsKey(n.id())) continue;
            distinct++;
            if (shown.size() < MAX_NODES) {
                index.put(n.id(), shown.size());
                shown.add(n);
            } else {
                index.put(n.id(), -1); // known but not drawn
            }
        }
        List<int[]> links = new ArrayList<>();
        List<Edge> linkEdges = new ArrayList<>();
        Map<Long, Integer> seen = new HashMap<>();
        int edgesLeftOut = 0;
        for (Edge e : edges) {
            if (e == null) continue;
            Integer from = index.get(e.from());
            Integer to = index.get(e.to());
            if (from == null || to == null || from.equals(to)) continue;
            if (from < 0 || to < 0 || links.size() >= MAX_EDGES) {
                edgesLeftOut++;
                continue;
            }
            Integer at = seen.putIfAbsent((long) from << 32 | to, links.size());
            if (at == null) {
                links.add(new int[] {from, to});
                linkEdges.add(e);
            } else if (e.label() != null && !e.label().isBlank()) {
                // A second way between the same two nodes: one arrow, both labels.
                Edge kept = linkEdges.get(at);
                String both = kept.label() == null || kept.label().isBlank() ? e.label() : kept.label() + ", " + e.label();
                linkEdges.set(at, new Edge(kept.from(), kept.to(), kept.cssClass(), both));
            }
        }
        String note = distinct > shown.size()
                ? "Showing the first " + shown.size() + " of " + distinct + " nodes."
                : edgesLeftOut > 0 ? "Showing the first " + links.size() + " links; " + edgesLeftOut + " more not drawn." : null;
        return draw(id, marker, label, note, shown, links, linkEdges);
    }

    private static String draw(String id, String marker, String label, String note, List<Node> nodes,
                               List<int[]> links, List<Edge> linkEdges) {
        GraphLayout.Result layout = GraphLayout.layout(nodes.size(), links);
        boolean empty = nodes.isEmpty();
        int noteHeight = note == null && !empty ? 0 : 28;
        int width = Math.max(layout.width(), empty || note != null ? 320 : 0);
        int height = layout.height() + noteHeight;
        String name = (label == null || label.isBlank() ? "Graph" : label)
                + (empty ? " (empty)" : note == null ? "" : " (" + note + ")");
        StringBuilder svg = new StringBuilder(512 + nodes.size() * 400 + links.size() * 160);
        // Links inside role="img" would be hidden from screen readers (its children are
        // presentational), so a graph with links is a group of named links instead.
        boolean anyLink = nodes.stream().anyMatch(n -> dashboardHref(n.href()) != null);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" id=\"").append(id)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" role=\"").append(anyLink ? "group" : "img").append("\" aria-label=\"")
                .append(escape(name)).append("\">");
        svg.append("<title>").append(escape(name)).append("</title>");
        svg.append("<defs><marker id=\"").append(marker).append("\" class=\"graph-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
                + "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\"/></marker></defs>");
        svg.append("<g class=\"graph-edges\">");
        StringBuilder edgeLabels = new StringBuilder();
        for (GraphLayout.Route route : layout.routes()) {
            int[] link = links.get(route.edge());
            String edgeLabel = linkEdges.get(route.edge()).label();
            boolean labelled = edgeLabel != null && !edgeLabel.isBlank();
            svg.append("<path class=\"graph-edge").append(route.reversed() ? " graph-edge-back" : "")
                    .append(classes(linkEdges.get(route.edge()).cssClass())).append("\" d=\"")
                    .append(route.reversed()
                            ? backPath(route.points(), layout.boxes().get(link[0]), layout.boxes().get(link[1]))
                            : path(route.points()))
                    .append("\" marker-end=\"url(#").append(marker).append(")\">")
                    .append("<title>").append(escape(labelOf(nodes.get(link[0])))).append(" → ")
                    .append(escape(labelOf(nodes.get(link[1]))))
                    .append(labelled ? " (" + escape(edgeLabel) + ")" : "").append("</title></path>");
            if (labelled) edgeLabels.append(edgeLabel(route, layout.boxes().get(link[0]), layout.boxes().get(link[1]), edgeLabel));
        }
        // Over every arrow, so no line crosses a label's text.
        svg.append(edgeLabels);
        svg.append("</g><g class=\"graph-nodes\">");
        for (int i = 0; i < nodes.size(); i++) {
            node(svg, nodes.get(i), layout.boxes().get(i));
        }
        svg.append("</g>");
        if (empty) {
            svg.append("<text class=\"graph-note\" x=\"16\" y=\"18\" dominant-baseline=\"central\">Nothing to draw.</text>");
        } else if (note != null) {
            svg.append("<text class=\"graph-note\" x=\"16\" y=\"").append(layout.height() + 14)
                    .append("\" dominant-baseline=\"central\">").append(escape(note)).append("</text>");
        }
        return svg.append("</svg>").toString();
    }

    /**
     * An edge's label, centred in the gap after its source (where the arrows of one node still
     * part), or under the boxes for an edge that runs back. Hidden from screen readers: the
     * arrow's title says it.
     */
    private static String edgeLabel(GraphLayout.Route route, GraphLayout.Box source, GraphLayout.Box target, String label) {
        int x, y;
        if (route.reversed()) {
            x = (source.x() + target.x() + GraphLayout.NODE_WIDTH) / 2;
            y = Math.max(source.y(), target.y()) + GraphLayout.NODE_HEIGHT + BACK_EDGE_DROP - 4;
        } else {
            int[] a = route.points().get(0), b = route.points().get(1);
            x = (a[0] + b[0]) / 2;
            y = (a[1] + b[1]) / 2;
        }
        String shown = label.codePointCount(0, label.length()) <= MAX_EDGE_LABEL ? label
                : label.substring(0, label.offsetByCodePoints(0, MAX_EDGE_LABEL - 1)) + "…";
        return "<text class=\"graph-edge-label\" x=\"" + x + "\" y=\"" + y
                + "\" text-anchor=\"middle\" dominant-baseline=\"central\" aria-hidden=\"true\">" + escape(shown) + "</text>";
    }

    private static void node(StringBuilder svg, Node n, GraphLayout.Box box) {
        String label = labelOf(n);
        String title = n.title() == null || n.title().isBlank() ? label : n.title();
        String href = dashboardHref(n.href());
        String cls = "graph-node" + classes(n.cssClass());
        if (href != null) {
            svg.append("<a class=\"").append(cls).append("\" href=\"").append(escape(href))
                    .append("\" aria-label=\"").append(escape(title)).append("\">");
        } else {
            svg.append("<g class=\"").append(cls).append("\">");
        }
        svg.append("<title>").append(escape(title)).append("</title>")
                .append("<rect x=\"").append(box.x()).append("\" y=\"").append(box.y())
                .append("\" width=\"").append(GraphLayout.NODE_WIDTH).append("\" height=\"").append(GraphLayout.NODE_HEIGHT)
                .append("\" rx=\"6\" ry=\"6\"/>")
                .append("<text x=\"").append(box.x() + 10).append("\" y=\"").append(box.centreY())
                .append("\" dominant-baseline=\"central\">").append(escape(shorten(label))).append("</text>")
                .append(href != null ? "</a>" : "</g>");
    }

    /** Smooth curves between layers, straight lines through a waypoint's slot. */
    private static String path(List<int[]> points) {
        StringBuilder d = new StringBuilder();
        int[] p = points.getFirst();
        d.append('M').append(p[0]).append(',').append(p[1]);
        for (int i = 1; i < points.size(); i++) {
            int[] q = points.get(i);
            if (q[1] == p[1]) {
                d.append('L').append(q[0]).append(',').append(q[1]);
            } else {
                int mid = (p[0] + q[0]) / 2;
                d.append('C').append(mid).append(',').append(p[1]).append(' ').append(mid).append(',').append(q[1])
                        .append(' ').append(q[0]).append(',').append(q[1]);
            }
            p = q;
        }
        return d.toString();
    }

    /**
     * An edge that closes a cycle runs right to left: it leaves the bottom of its source and comes
     * back up into the bottom of its target, under the boxes, through its waypoints' lane in
     * reverse, so it cannot be mistaken for a forward edge between the same boxes.
     */
    private static String backPath(List<int[]> forwardPoints, GraphLayout.Box source, GraphLayout.Box target) {
        int[] start = {source.x() + GraphLayout.NODE_WIDTH / 2, source.y() + GraphLayout.NODE_HEIGHT};
        int[] end = {target.x() + GraphLayout.NODE_WIDTH / 2, target.y() + GraphLayout.NODE_HEIGHT};
        List<int[]> lane = new ArrayList<>(forwardPoints.subList(1, forwardPoints.size() - 1)).reversed();
        StringBuilder d = new StringBuilder();
        d.append('M').append(start[0]).append(',').append(start[1]);
        int drop = BACK_EDGE_DROP;
        if (lane.isEmpty()) {
            return d.append('C').append(start[0]).append(',').append(start[1] + drop).append(' ')
                    .append(end[0]).append(',').append(end[1] + drop).append(' ')
                    .append(end[0]).append(',').append(end[1]).toString();
        }
        int[] first = lane.getFirst();
        d.append('C').append(start[0]).append(',').append(start[1] + drop).append(' ')
                .append(first[0] + GraphLayout.LAYER_GAP / 2).append(',').append(first[1]).append(' ')
                .append(first[0]).append(',').append(first[1]);
        // The lane holds two points per waypoint, so its path has commands after the move to its start.
        String middle = path(lane);
        d.append(middle, firstCommand(middle), middle.length());
        int[] last = lane.getLast();
        return d.append('C').append(last[0] - GraphLayout.LAYER_GAP / 2).append(',').append(last[1]).append(' ')
                .append(end[0]).append(',').append(end[1] + drop).append(' ')
                .append(end[0]).append(',').append(end[1]).toString();
    }

    private static int firstCommand(String d) {
        int l = d.indexOf('L');
        int c = d.indexOf('C');
        return l < 0 ? c : c < 0 ? l : Math.min(l, c);
    }

    private static String labelOf(Node n) {
        return n.label() == null || n.label().isBlank() ? n.id() : n.label();
    }

    /** The link if it is a dashboard path, else null (no javascript:, no other site, no "//host"). */
    static String dashboardHref(String href) {
        if (href == null || !UI_HREF.matcher(href).matches() || href.contains("..")) return null;
        return href;
    }

    /** " a b" from the caller's classes, reduced to characters that cannot leave the attribute. */
    static String classes(String css) {
        if (css == null) return "";
        String safe = CLASS_UNSAFE.matcher(css).replaceAll("").strip();
        return safe.isEmpty() ? "" : " " + safe.replaceAll(" +", " ");
    }

    /** The label cut to {@link #MAX_LABEL} code points with an ellipsis; the title keeps it whole. */
    static String shorten(String label) {
        if (label.codePointCount(0, label.length()) <= MAX_LABEL) return label;
        return label.substring(0, label.offsetByCodePoints(0, MAX_LABEL - 1)) + "…";
    }

    /**
     * XML text and attribute escaping. Characters XML 1.0 does not allow at all (most control
     * characters, lone surrogates) become U+FFFD, so no label can break the document.
     */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                            || c == 0xFFFE || c == 0xFFFF) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
