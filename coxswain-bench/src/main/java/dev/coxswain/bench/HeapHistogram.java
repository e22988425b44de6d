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
 * subtracted say which classes a phase left more of. Kept as the command's text, one string, and
 * read when asked, so a histogram held across a measurement adds one object of a known size.
 */
final class HeapHistogram {
    /** Instances and bytes of one class. */
    record Entry(String className, long instances, long bytes) {
    }

    private final String text;

    private HeapHistogram(String text) {
        this.text = text;
    }

    static HeapHistogram take() throws Exception {
        ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
        return new HeapHistogram((String) ManagementFactory.getPlatformMBeanServer().invoke(name, "gcClassHistogram",
                new Object[]{null}, new String[]{String[].class.getName()}));
    }

    private Map<String, Entry> entries() {
        Map<String, Entry> out = new HashMap<>();
        for (String line : text.split("\n")) {
            // "   1:        123456       7890123  java.lang.String (java.base@25)"
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) continue;
            out.put(f[3], new Entry(f[3], Long.parseLong(f[1]), Long.parseLong(f[2])));
        }
        return out;
    }

    long instancesOf(String className) {
        Entry e = entries().get(className);
        return e == null ? 0 : e.instances();
    }

    long totalBytes() {
        return entries().values().stream().mapToLong(Entry::bytes).sum();
    }

    /** The {@code n} classes whose bytes grew most from {@code before} to this one (growth in the entries). */
    List<Entry> grownSince(HeapHistogram before, int n) {
        Map<String, Entry> was = before.entries();
        List<Entry> grown = new ArrayList<>();
        for (Entry e : entries().values()) {
            Entry b = was.get(e.className());
            long bytes = e.bytes() - (b == null ? 0 : b.bytes());
            long instances = e.instances() - (b == null ? 0 : b.instances());
            if (bytes > 0) grown.add(new Entry(e.className(), instances, bytes));
        }
        grown.sort(Comparator.comparingLong(Entry::bytes).reversed());
        return grown.subList(0, Math.min(n, grown.size()));
    }
}
