package dev.coxswain.server;

import java.io.PrintStream;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/** One log line per record, to stdout (Helidon and HikariCP log through java.util.logging too). */
public final class LogSetup {
    private LogSetup() {
    }

    public static void toStdout(Level level) {
        Logger root = Logger.getLogger("");
        // Not LogManager.reset(): Main installs a manager whose reset does nothing.
        for (Handler old : root.getHandlers()) {
            root.removeHandler(old);
            old.close();
        }
        root.setLevel(level);
        Handler h = new StdoutHandler(System.out);
        h.setLevel(level);
        h.setFormatter(new LineFormatter());
        root.addHandler(h);
    }

    /**
     * Not a ConsoleHandler: that one starts on System.err, and switching its stream would close
     * System.err for the whole process.
     */
    private static final class StdoutHandler extends StreamHandler {
        StdoutHandler(PrintStream out) {
            super(out, new LineFormatter());
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }

        /** Leaves System.out open. */
        @Override
        public synchronized void close() {
            flush();
        }
    }

    static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160);
            sb.append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(String.format("%-7s", r.getLevel().getName())).append(' ')
                    .append(shortName(r.getLoggerName())).append(": ").append(formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                java.io.StringWriter sw = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                sb.append(sw);
            }
            return sb.toString();
        }

        private static String shortName(String n) {
            if (n == null) return "-";
            int i = n.lastIndexOf('.');
            return i < 0 ? n : n.substring(i + 1);
        }
    }
}
