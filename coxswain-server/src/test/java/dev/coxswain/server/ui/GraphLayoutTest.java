package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Layers, cycle breaking and crossing reduction of the graph layout. */
class GraphLayoutTest {

    @Test
    void longestPathLayering() {
        // 0 -> 1 -> 2 -> 3, 0 -> 3, 4 alone, 5 -> 3
        List<int[]> edges = List.of(e(0, 1), e(1, 2), e(2, 3), e(0, 3), e(5, 3));
        GraphLayout.Result r = GraphLayout.layout(6, edges);
        assertThat(r.boxes().stream().map(GraphLayout.Box::layer).toList()).containsExactly(0, 1, 2, 3, 0, 0);
        assertThat(r.layers()).isEqualTo(4);
        // The long edges 0 -> 3 and 5 -> 3 pass through waypoints: two per layer crossed, plus both ends.
        assertThat(r.routes().get(3).points()).hasSize(2 + 2 * 2);
        assertThat(r.routes().get(4).points()).hasSize(2 + 2 * 2);
        assertThat(r.routes().get(0).points()).hasSize(2);
        assertThat(r.width()).isEqualTo(2 * GraphLayout.PADDING + 4 * GraphLayout.NODE_WIDTH + 3 * GraphLayout.LAYER_GAP);
    }

    @Test
    void backEdgesOfADepthFirstSearchBreakEveryCycle() {
        List<int[]> edges = List.of(e(0, 1), e(1, 2), e(2, 0), e(2, 3), e(3, 1), e(4, 0));
        boolean[] back = GraphLayout.backEdges(5, edges);
        assertThat(back).containsExactly(false, false, true, false, true, false);
        GraphLayout.Result r = GraphLayout.layout(5, edges);
        assertThat(r.routes().stream().filter(GraphLayout.Route::reversed).count()).isEqualTo(2);
        // With the back edges turned round, every route runs left to right.
        for (GraphLayout.Route route : r.routes()) {
            assertThat(route.points().getFirst()[0]).isLessThan(route.points().getLast()[0]);
        }
    }

    @Test
    void aLongChainNeedsNoDeepStack() {
        List<int[]> edges = new ArrayList<>();
        for (int i = 0; i + 1 < 5_000; i++) edges.add(e(i, i + 1));
        edges.add(e(4_999, 0));
        boolean[] back = GraphLayout.backEdges(5_000, edges);
        assertThat(back[4_999]).isTrue();
        assertThat(GraphLayout.longestPathLayers(5_000, edges.subList(0, 4_999).toArray(int[][]::new))[4_999])
                .isEqualTo(4_999);
    }

    @Test
    void barycenterOrderingRemovesAvoidableCrossings() {
        // Given order: 0 above 1 in layer 0, 2 above 3 in layer 1, but 0 -> 3 and 1 -> 2 cross.
        GraphLayout.Result r = GraphLayout.layout(4, List.of(e(0, 3), e(1, 2)));
        assertThat(r.boxes().get(3).y()).isLessThan(r.boxes().get(2).y());
        assertThat(r.boxes().get(0).y()).isLessThan(r.boxes().get(1).y()); // the first layer keeps the given order
    }

    @Test
    void crossingsAreCountedBetweenNeighbouringLayers() {
        List<List<Integer>> order = List.of(List.of(0, 1), List.of(2, 3));
        List<List<Integer>> down = List.of(List.of(3), List.of(2), List.of(), List.of());
        assertThat(GraphLayout.crossings(order, down, new int[] {0, 1, 0, 1})).isEqualTo(1);
        assertThat(GraphLayout.crossings(order, down, new int[] {0, 1, 1, 0})).isZero();
        // Against the pairwise definition on random bipartite layers (shared ends do not cross).
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int round = 0; round < 200; round++) {
            int upper = 1 + random.nextInt(8);
            int lower = 1 + random.nextInt(8);
            List<List<Integer>> layers = List.of(new ArrayList<>(), new ArrayList<>());
            List<List<Integer>> links = new ArrayList<>();
            for (int v = 0; v < upper + lower; v++) {
                layers.get(v < upper ? 0 : 1).add(v);
                links.add(new ArrayList<>());
            }
            int[] pos = new int[upper + lower];
            for (int v = 0; v < upper + lower; v++) pos[v] = v < upper ? v : v - upper;
            List<int[]> pairs = new ArrayList<>();
            for (int k = random.nextInt(12); k > 0; k--) {
                int u = random.nextInt(upper);
                int w = upper + random.nextInt(lower);
                if (!links.get(u).contains(w)) {
                    links.get(u).add(w);
                    pairs.add(new int[] {pos[u], pos[w]});
                }
            }
            long expected = 0;
            for (int i = 0; i < pairs.size(); i++) {
                for (int j = i + 1; j < pairs.size(); j++) {
                    if ((long) (pairs.get(i)[0] - pairs.get(j)[0]) * (pairs.get(i)[1] - pairs.get(j)[1]) < 0) expected++;
                }
            }
            assertThat(GraphLayout.crossings(layers, links, pos)).isEqualTo(expected);
        }
    }

    @Test
    void emptyGraph() {
        GraphLayout.Result r = GraphLayout.layout(0, List.of());
        assertThat(r.boxes()).isEmpty();
        assertThat(r.width()).isZero();
        assertThat(r.height()).isZero();
    }

    private static int[] e(int from, int to) {
        return new int[] {from, to};
    }
}
