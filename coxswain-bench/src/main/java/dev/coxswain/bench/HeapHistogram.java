package dev.coxswain.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;

/**
 * This JVM's live objects by class, as {@code jcmd <pid> GC.class_histogram} prints them (the
 * diagnostic command runs a full GC first, so only reachable objects count). Two histograms
 * subtracted say which classes a phase left more of.
 */
final class HeapHistogram {
    /** Instances and bytes of one class. */
    record Entry(String className, long instances, long bytes) {
    }

    private final Map<String, Entry> byClass;

    private HeapHistogram(Map<String, Entry> byClass) {
        this.byClass = byClass;
    }

    static HeapHistogram take() throws Exception {
        ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(name, "gcClassHistogram",
                new Object[]{null}, new String[]{String[].class.getName()});
        Map<String, Entry> out = new HashMap<>();
        for (String line : text.split("\n")) {
            // "   1:        123456       7890123  java.lang.String (java.base@25)"
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) continue;
            out.put(f[3], new Entry(f[3], Long.parseLong(f[1]), Long.parseLong(f[2])));
        }
        return new HeapHistogram(out);
    }

    long instancesOf(String className) {
        Entry e = byClass.get(className);
        return e == null ? 0 : e.instances();
    }

    long totalBytes() {
        return byClass.values().stream().mapToLong(Entry::bytes).sum();
    }

    /** The {@code n} classes whose bytes grew most from {@code before} to this one (growth in the entries). */
    List<Entry> grownSince(HeapHistogram before, int n) {
        List<Entry> grown = new ArrayList<>();
        for (Entry e : byClass.values()) {
            Entry b = before.byClass.get(e.className());
            long bytes = e.bytes() - (b == null ? 0 : b.bytes());
            long instances = e.instances() - (b == null ? 0 : b.instances());
            if (bytes > 0) grown.add(new Entry(e.className(), instances, bytes));
        }
        grown.sort(Comparator.comparingLong(Entry::bytes).reversed());
        return grown.subList(0, Math.min(n, grown.size()));
    }
}
