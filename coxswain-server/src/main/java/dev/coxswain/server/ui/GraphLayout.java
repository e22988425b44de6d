package dev.coxswain.server.ui;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Places a directed graph left to right in layers (a small Sugiyama layout): cycles are broken by
 * turning the back edges of a depth-first search around, each node goes to the layer after its
 * longest chain of predecessors, edges spanning several layers get one waypoint per layer crossed
 * (so they route between boxes and take part in the ordering), and the nodes of each layer are
 * ordered by barycenter sweeps, keeping the order with the fewest crossings. Pure and
 * deterministic: the same input gives the same picture, so a refreshed page does not jump.
 *
 * <p>Work is bounded whatever the input: {@link #MAX_WAYPOINTS} waypoints at most (a longer edge
 * beyond that budget is drawn straight across), {@link #SWEEPS} ordering sweeps.
 */
final class GraphLayout {
    static final int NODE_WIDTH = 176;
    static final int NODE_HEIGHT = 40;
    static final int LAYER_GAP = 64;
    static final int ROW_GAP = 16;
    static final int WAYPOINT_HEIGHT = 12;
    static final int PADDING = 16;
    static final int MAX_WAYPOINTS = 2_000;
    static final int SWEEPS = 8;

    /** A node's box: top-left corner, in its layer. */
    record Box(int layer, int x, int y) {
        int centreY() {
            return y + NODE_HEIGHT / 2;
        }
    }

    /**
     * How one input edge is drawn: the points from the source box's right side to the target's
     * left side, in layer order. {@code reversed}: the input edge points right to left (it closed a
     * cycle), so the points run from its target to its source and the arrow goes at the start.
     */
    record Route(int edge, List<int[]> points, boolean reversed) {}

    record Result(List<Box> boxes, List<Route> routes, int layers, int width, int height) {}

    private GraphLayout() {}

    /**
     * @param nodeCount nodes are 0..nodeCount-1, in the order given (the first order tried)
     * @param edges     {from, to} pairs of node numbers; no self-loops, no duplicates
     */
    static Result layout(int nodeCount, List<int[]> edges) {
        boolean[] reversed = backEdges(nodeCount, edges);
        int[][] forward = new int[edges.size()][];
        for (int i = 0; i < edges.size(); i++) {
            int[] e = edges.get(i);
            forward[i] = reversed[i] ? new int[] {e[1], e[0]} : e;
        }
        int[] layer = longestPathLayers(nodeCount, forward);
        int layers = nodeCount == 0 ? 0 : Arrays.stream(layer).max().orElse(0) + 1;

        // Vertices: the nodes, then waypoints; each edge a chain of vertices one layer apart.
        List<Integer> vertexLayer = new ArrayList<>();
        for (int v = 0; v < nodeCount; v++) vertexLayer.add(layer[v]);
        List<int[]> chains = new ArrayList<>();
        int budget = MAX_WAYPOINTS;
        for (int[] e : forward) {
            int span = layer[e[1]] - layer[e[0]];
            if (span > 1 && span - 1 <= budget) {
                int[] chain = new int[span + 1];
                chain[0] = e[0];
                for (int k = 1; k < span; k++) {
                    chain[k] = vertexLayer.size();
                    vertexLayer.add(layer[e[0]] + k);
                }
                chain[span] = e[1];
                budget -= span - 1;
                chains.add(chain);
            } else {
                chains.add(e); // one layer apart, or past the budget: drawn directly
            }
        }
        int vertices = vertexLayer.size();
        List<List<Integer>> up = lists(vertices);
        List<List<Integer>> down = lists(vertices);
        for (int[] chain : chains) {
            for (int k = 0; k + 1 < chain.length; k++) {
                // Only links between neighbouring layers steer the ordering.
                if (vertexLayer.get(chain[k + 1]) - vertexLayer.get(chain[k]) == 1) {
                    down.get(chain[k]).add(chain[k + 1]);
                    up.get(chain[k + 1]).add(chain[k]);
                }
            }
        }
        List<List<Integer>> order = lists(layers);
        for (int v = 0; v < vertices; v++) order.get(vertexLayer.get(v)).add(v);
        order = orderLayers(order, up, down, vertices);

        // Coordinates: layers side by side, each layer's column centred on the tallest one.
        int[] x = new int[vertices];
        int[] y = new int[vertices];
        int tallest = 0;
        for (List<Integer> column : order) tallest = Math.max(tallest, columnHeight(column, nodeCount));
        for (int l = 0; l < layers; l++) {
            List<Integer> column = order.get(l);
            int top = PADDING + (tallest - columnHeight(column, nodeCount)) / 2;
            for (int v : column) {
                x[v] = PADDING + l * (NODE_WIDTH + LAYER_GAP);
                y[v] = top;
                top += (v < nodeCount ? NODE_HEIGHT : WAYPOINT_HEIGHT) + ROW_GAP;
            }
        }
        List<Box> boxes = new ArrayList<>(nodeCount);
        for (int v = 0; v < nodeCount; v++) boxes.add(new Box(layer[v], x[v], y[v]));
        List<Route> routes = new ArrayList<>(edges.size());
        for (int i = 0; i < chains.size(); i++) {
            int[] chain = chains.get(i);
            List<int[]> points = new ArrayList<>();
            points.add(new int[] {x[chain[0]] + NODE_WIDTH, y[chain[0]] + NODE_HEIGHT / 2});
            for (int k = 1; k + 1 < chain.length; k++) {
                int mid = y[chain[k]] + WAYPOINT_HEIGHT / 2;
                points.add(new int[] {x[chain[k]], mid});
                points.add(new int[] {x[chain[k]] + NODE_WIDTH, mid});
            }
            int last = chain[chain.length - 1];
            points.add(new int[] {x[last], y[last] + NODE_HEIGHT / 2});
            routes.add(new Route(i, points, reversed[i]));
        }
        int width = layers == 0 ? 0 : 2 * PADDING + layers * NODE_WIDTH + (layers - 1) * LAYER_GAP;
        int height = layers == 0 ? 0 : 2 * PADDING + tallest;
        return new Result(boxes, routes, layers, width, height);
    }

    /** The edges a depth-first search (in node order) finds going back to a node on its path. */
    static boolean[] backEdges(int nodeCount, List<int[]> edges) {
        List<List<Integer>> out = lists(nodeCount);
        for (int i = 0; i < edges.size(); i++) out.get(edges.get(i)[0]).add(i);
        boolean[] back = new boolean[edges.size()];
        byte[] state = new byte[nodeCount]; // 0 new, 1 on the path, 2 done
        int[] next = new int[nodeCount];
        Deque<Integer> path = new ArrayDeque<>();
        for (int root = 0; root < nodeCount; root++) {
            if (state[root] != 0) continue;
            state[root] = 1;
            path.push(root);
            // Iterative: a 200-node chain must not depend on the thread's stack size.
            while (!path.isEmpty()) {
                int u = path.peek();
                if (next[u] == out.get(u).size()) {
                    state[u] = 2;
                    path.pop();
                    continue;
                }
                int e = out.get(u).get(next[u]++);
                int v = edges.get(e)[1];
                if (state[v] == 1) {
                    back[e] = true;
                } else if (state[v] == 0) {
                    state[v] = 1;
                    path.push(v);
                }
            }
        }
        return back;
    }

    /** Layer of each node: 0 without predecessors, else one after its latest predecessor. */
    static int[] longestPathLayers(int nodeCount, int[][] acyclic) {
        List<List<Integer>> out = lists(nodeCount);
        int[] indegree = new int[nodeCount];
        for (int[] e : acyclic) {
            out.get(e[0]).add(e[1]);
            indegree[e[1]]++;
        }
        int[] layer = new int[nodeCount];
        Deque<Integer> ready = new ArrayDeque<>();
        for (int v = 0; v < nodeCount; v++) if (indegree[v] == 0) ready.add(v);
        while (!ready.isEmpty()) {
            int u = ready.poll();
            for (int v : out.get(u)) {
                layer[v] = Math.max(layer[v], layer[u] + 1);
                if (--indegree[v] == 0) ready.add(v);
            }
        }
        return layer;
    }

    /** Barycenter sweeps, down then up, keeping the order with the fewest crossings seen. */
    private static List<List<Integer>> orderLayers(List<List<Integer>> order, List<List<Integer>> up,
                                                   List<List<Integer>> down, int vertices) {
        int[] pos = new int[vertices];
        positions(order, pos);
        List<List<Integer>> best = copy(order);
        long fewest = crossings(order, down, pos);
        double[] key = new double[vertices];
        for (int sweep = 0; sweep < SWEEPS && fewest > 0; sweep++) {
            boolean downward = sweep % 2 == 0;
            int layers = order.size();
            for (int i = 1; i < layers; i++) {
                int l = downward ? i : layers - 1 - i;
                List<List<Integer>> neighbours = downward ? up : down;
                List<Integer> column = order.get(l);
                for (int v : column) {
                    List<Integer> n = neighbours.get(v);
                    // A vertex with no neighbour on that side keeps its place.
                    key[v] = n.isEmpty() ? pos[v] : n.stream().mapToInt(w -> pos[w]).average().orElse(pos[v]);
                }
                column.sort((a, b) -> key[a] != key[b] ? Double.compare(key[a], key[b]) : Integer.compare(pos[a], pos[b]));
                for (int p = 0; p < column.size(); p++) pos[column.get(p)] = p;
            }
            long now = crossings(order, down, pos);
            if (now < fewest) {
                fewest = now;
                best = copy(order);
            }
        }
        return best;
    }

    /**
     * Pairs of links between neighbouring layers that cross: with the links sorted by their upper
     * end, the inversions among their lower ends, counted with a Fenwick tree (O(k log k), so the
     * sweeps stay cheap with a thousand links between two layers).
     */
    static long crossings(List<List<Integer>> order, List<List<Integer>> down, int[] pos) {
        long total = 0;
        for (List<Integer> column : order) {
            List<int[]> links = new ArrayList<>();
            int width = 0;
            for (int u : column) {
                for (int v : down.get(u)) {
                    links.add(new int[] {pos[u], pos[v]});
                    width = Math.max(width, pos[v] + 1);
                }
            }
            links.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
            long[] tree = new long[width + 1];
            for (int i = 0; i < links.size(); i++) {
                int lower = links.get(i)[1];
                long atOrBelow = 0;
                for (int k = lower + 1; k > 0; k -= k & -k) atOrBelow += tree[k];
                total += i - atOrBelow; // earlier links whose lower end is further down: they cross
                for (int k = lower + 1; k <= width; k += k & -k) tree[k]++;
            }
        }
        return total;
    }

    private static int columnHeight(List<Integer> column, int nodeCount) {
        int h = 0;
        for (int v : column) h += v < nodeCount ? NODE_HEIGHT : WAYPOINT_HEIGHT;
        return h + Math.max(0, column.size() - 1) * ROW_GAP;
    }

    private static void positions(List<List<Integer>> order, int[] pos) {
        for (List<Integer> column : order) for (int i = 0; i < column.size(); i++) pos[column.get(i)] = i;
    }

    private static List<List<Integer>> copy(List<List<Integer>> order) {
        List<List<Integer>> c = new ArrayList<>(order.size());
        for (List<Integer> column : order) c.add(new ArrayList<>(column));
        return c;
    }

    private static List<List<Integer>> lists(int n) {
        List<List<Integer>> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(new ArrayList<>());
        return l;
    }
}
