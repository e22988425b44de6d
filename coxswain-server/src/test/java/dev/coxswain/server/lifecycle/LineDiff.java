package dev.coxswain.server.lifecycle;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified-style line diff (longest common subsequence), so a golden mismatch reads as the few
 * lines that changed, with their line numbers and some context, instead of two long strings.
 */
final class LineDiff {
    private static final int CONTEXT = 3;

    private LineDiff() {
    }

    /** The changed lines of {@code expected} → {@code actual}, or "" when they are the same. */
    static String of(List<String> expected, List<String> actual) {
        int n = expected.size(), m = actual.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = expected.get(i).equals(actual.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        // One entry per line of the merged listing: ' ' same, '-' only expected, '+' only actual.
        List<String> rows = new ArrayList<>();
        List<Character> kinds = new ArrayList<>();
        int i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                kinds.add(' ');
                rows.add(String.format("%5d %5d   %s", i + 1, j + 1, expected.get(i)));
                i++;
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                kinds.add('-');
                rows.add(String.format("%5d %5s - %s", i + 1, "", expected.get(i)));
                i++;
            } else {
                kinds.add('+');
                rows.add(String.format("%5s %5d + %s", "", j + 1, actual.get(j)));
                j++;
            }
        }
        StringBuilder out = new StringBuilder();
        int last = -1;
        for (int k = 0; k < rows.size(); k++) {
            if (!near(kinds, k)) continue;
            if (last >= 0 && k > last + 1) out.append("  ...\n");
            out.append(rows.get(k)).append('\n');
            last = k;
        }
        return out.toString();
    }

    private static boolean near(List<Character> kinds, int k) {
        for (int d = Math.max(0, k - CONTEXT); d <= Math.min(kinds.size() - 1, k + CONTEXT); d++) {
            if (kinds.get(d) != ' ') return true;
        }
        return false;
    }
}
