package dev.coxswain.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side results as markdown tables ready to paste: each figure's median over the
 * runs, per contender, and the ratio Coxswain PG : db-scheduler, stated so that above 1× is
 * always Coxswain ahead (rates: Coxswain ÷ db-scheduler; latencies and rows: db-scheduler ÷
 * Coxswain).
 */
final class SideBySideTable {
    static final String COXSWAIN_PG = "Coxswain PG";
    static final String PEER = "db-scheduler";

    private SideBySideTable() {
    }

    /** A row of the main table. */
    private record Figure(String name, ToDoubleFunction<PeerWorkload.Figures> value, boolean higherIsBetter,
                          boolean rate, boolean storeStatistics) {
    }

    /**
     * @param runs each contender's passes, in column order (labels as {@link Contender#label})
     */
    static String figures(Map<String, List<PeerWorkload.Figures>> runs, PeerWorkload.Settings s) {
        List<Figure> rows = List.of(
                new Figure("enqueue " + EngineBench.fmt(s.tasks()) + ", batch API (" + s.batch() + " per call), 1 thread — tasks/s",
                        f -> f.enqueueOne, true, true, false),
                new Figure("enqueue " + EngineBench.fmt(s.tasks()) + ", batch API (" + s.batch() + " per call), "
                        + s.clients() + " threads — tasks/s", f -> f.enqueueMany, true, true, false),
                new Figure("drain " + EngineBench.fmt(s.tasks()) + ", queued → done — tasks/s", f -> f.drain, true, true, false),
                new Figure("end to end, " + s.clients() + " synchronous clients — tasks/s", f -> f.endToEnd, true, true, false),
                new Figure("idle dispatch latency p50 — ms", f -> f.latency == null ? Double.NaN : f.latency.p50(), false, false, false),
                new Figure("idle dispatch latency p99 — ms", f -> f.latency == null ? Double.NaN : f.latency.p99(), false, false, false),
                new Figure("submit call p50 (idle) — ms", f -> f.latency == null ? Double.NaN : f.latency.submitP50(), false, false, false),
                new Figure("rows written per task (create → run → complete)", PeerWorkload.Figures::rowsPerTask, false, false, true));
        List<String> labels = new ArrayList<>(runs.keySet());
        boolean ratio = labels.contains(COXSWAIN_PG) && labels.contains(PEER);
        List<String> head = new ArrayList<>(List.of("figure"));
        for (String l : labels) {
            head.add(l);
            if (ratio && l.equals(PEER)) head.add("ratio");
        }
        List<List<String>> body = new ArrayList<>();
        for (Figure fig : rows) {
            List<String> r = new ArrayList<>(List.of(fig.name()));
            for (String l : labels) {
                double m = median(runs.get(l).stream().mapToDouble(fig.value()).toArray());
                r.add(fig.storeStatistics() && Double.isNaN(m) ? "—" : cell(m, fig.rate()));
                if (ratio && l.equals(PEER)) {
                    double ours = median(runs.get(COXSWAIN_PG).stream().mapToDouble(fig.value()).toArray());
                    r.add(ratio(ours, m, fig.higherIsBetter()));
                }
            }
            body.add(r);
        }
        return markdown(head, body);
    }

    /**
     * Rows written per task to each table, median of the runs, as "total (ins + upd + del)", for
     * every contender that has the statistics.
     */
    static String writes(Map<String, List<PeerWorkload.Figures>> runs) {
        Map<String, List<PeerWorkload.Figures>> measured = new LinkedHashMap<>();
        runs.forEach((label, list) -> {
            List<PeerWorkload.Figures> with = list.stream().filter(f -> f.writes != null).toList();
            if (!with.isEmpty()) measured.put(label, with);
        });
        if (measured.isEmpty()) return "";
        TreeSet<String> tables = new TreeSet<>();
        measured.values().forEach(list -> list.forEach(f -> tables.addAll(f.writes.keySet())));
        List<String> head = new ArrayList<>(List.of("table"));
        for (String l : measured.keySet()) head.add(l + " rows/task (ins + upd + del)");
        List<List<String>> body = new ArrayList<>();
        for (String t : tables) {
            List<String> r = new ArrayList<>(List.of(t));
            for (List<PeerWorkload.Figures> list : measured.values()) r.add(writesCell(list, t));
            body.add(r);
        }
        List<String> total = new ArrayList<>(List.of("**all tables**"));
        for (List<PeerWorkload.Figures> list : measured.values()) {
            total.add("**" + rows(median(list.stream().mapToDouble(PeerWorkload.Figures::rowsPerTask).toArray())) + "**");
        }
        body.add(total);
        return markdown(head, body);
    }

    private static String writesCell(List<PeerWorkload.Figures> list, String table) {
        double ins = median(list.stream().mapToDouble(f -> perTask(f, table, TableWrites.Counts::inserted)).toArray());
        double upd = median(list.stream().mapToDouble(f -> perTask(f, table, TableWrites.Counts::updated)).toArray());
        double del = median(list.stream().mapToDouble(f -> perTask(f, table, TableWrites.Counts::deleted)).toArray());
        if (ins == 0 && upd == 0 && del == 0) return "—";
        double sum = median(list.stream().mapToDouble(f -> perTask(f, table, TableWrites.Counts::total)).toArray());
        return rows(sum) + " (" + rows(ins) + " + " + rows(upd) + " + " + rows(del) + ")";
    }

    private static double perTask(PeerWorkload.Figures f, String table, ToDoubleFunction<TableWrites.Counts> part) {
        TableWrites.Counts c = f.writes.get(table);
        return c == null ? 0 : part.applyAsDouble(c) / f.writesTasks;
    }

    /** Median of the values that are not NaN; NaN when there are none. */
    static double median(double... values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /**
     * How Coxswain compares, as "1.48× better" / "0.38× worse": ours ÷ peer where higher is
     * better, peer ÷ ours where lower is better, so above 1× is always Coxswain ahead.
     */
    static String ratio(double ours, double peer, boolean higherIsBetter) {
        if (Double.isNaN(ours) || Double.isNaN(peer) || ours <= 0 || peer <= 0) return "—";
        double r = higherIsBetter ? ours / peer : peer / ours;
        String x = String.format(Locale.ROOT, "%.2f×", r);
        if (x.equals("1.00×")) return x + " even";
        return x + (r > 1 ? " better" : " worse");
    }

    private static String cell(double v, boolean rate) {
        if (Double.isNaN(v)) return "failed";
        return rate ? EngineBench.fmt(v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Two decimals; a small part that is not zero (a heartbeat, a secret) keeps its first digits. */
    static String rows(double v) {
        if (v == 0) return "0";
        if (Math.abs(v) >= 0.01) return String.format(Locale.ROOT, "%.2f", v);
        return new BigDecimal(v).round(new MathContext(1)).toPlainString();
    }

    /** A markdown table: first column left-aligned, the others right-aligned, padded to line up. */
    static String markdown(List<String> head, List<List<String>> body) {
        int[] w = new int[head.size()];
        for (int i = 0; i < w.length; i++) w[i] = Math.max(3, head.get(i).length());
        for (List<String> r : body) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder sb = new StringBuilder();
        line(sb, head, w);
        sb.append('|');
        for (int i = 0; i < w.length; i++) sb.append(i == 0 ? " " + "-".repeat(w[i]) + " |" : " " + "-".repeat(w[i] - 1) + ": |");
        sb.append('\n');
        for (List<String> r : body) line(sb, r, w);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i);
            String fill = " ".repeat(w[i] - c.length());
            sb.append(' ').append(i == 0 ? c + fill : fill + c).append(" |");
        }
        sb.append('\n');
    }
}
