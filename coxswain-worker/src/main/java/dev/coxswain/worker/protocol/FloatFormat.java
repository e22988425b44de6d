package dev.coxswain.worker.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Renders a double the way the Python SDK's canonical JSON does: rxon turns integral floats into
 * integers, and orjson writes the rest with ryu's shortest round-trip digits in plain decimal for
 * 1e-5 &le; |x| &lt; 1e16 ({@code 0.0015}, {@code 0.205}) and {@code 1e-7} / {@code 1.5e-7} style
 * beyond. Java's {@code Double.toString} (JDK 19+) finds the same shortest digits except that,
 * when one digit would do, it may prefer a closer two-digit decimal ({@code 4.9E-324} where ryu
 * says {@code 5e-324}); {@link #digits} corrects that case.
 */
final class FloatFormat {
    private static final double LONG_RANGE = 0x1p63;

    private FloatFormat() {
    }

    /** The canonical text of a finite double. */
    static String format(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("JSON has no " + value);
        }
        if (value == Math.rint(value)) {
            // Python's int(x) of an integral float: exact, and -0.0 becomes 0.
            if (Math.abs(value) < LONG_RANGE) return Long.toString((long) value);
            return new BigDecimal(value).toBigInteger().toString();
        }
        BigDecimal shortest = digits(Math.abs(value));
        String digits = shortest.unscaledValue().toString();
        int length = digits.length();
        int pointAt = length - shortest.scale(); // value = 0.<digits> x 10^pointAt
        StringBuilder out = new StringBuilder(length + 8);
        if (value < 0) out.append('-');
        if (pointAt > 0 && pointAt <= 16) {
            // Non-integral, so there are digits after the point.
            out.append(digits, 0, pointAt).append('.').append(digits, pointAt, length);
        } else if (pointAt > -5 && pointAt <= 0) {
            out.append("0.");
            out.append("0".repeat(-pointAt));
            out.append(digits);
        } else {
            out.append(digits.charAt(0));
            if (length > 1) out.append('.').append(digits, 1, length);
            out.append('e').append(pointAt - 1);
        }
        return out.toString();
    }

    /** The shortest decimal that reads back as {@code positive}, the closest one among equals. */
    static BigDecimal digits(double positive) {
        BigDecimal java = new BigDecimal(Double.toString(positive)).stripTrailingZeros();
        if (java.precision() != 2) return java;
        // One digit might round-trip too; ryu takes it, Java may not. Try both neighbours.
        BigDecimal exact = new BigDecimal(positive);
        int scale = java.scale() - 1;
        BigInteger lead = java.unscaledValue().divide(BigInteger.TEN);
        BigDecimal best = null;
        for (BigInteger candidate : new BigInteger[] {lead, lead.add(BigInteger.ONE)}) {
            BigDecimal decimal = new BigDecimal(candidate, scale).stripTrailingZeros();
            if (decimal.signum() == 0 || Double.parseDouble(decimal.toString()) != positive) continue;
            if (best == null || decimal.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0) {
                best = decimal;
            }
        }
        return best != null ? best : java;
    }
}
