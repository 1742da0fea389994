package dev.anneal.watcher.core.scenario;

/**
 * An expected {@code value} or {@code threshold}: a number compared with a relative tolerance of
 * {@value #RELATIVE_TOLERANCE}, or (when {@code value} is null) the assertion that the alert has
 * no value at all ({@code value: null} in the scenario file).
 *
 * @param value the expected number, or null for "none"
 */
public record ExpectedNumber(Double value) {

    /** Relative tolerance for number comparisons; replayed arithmetic is exact up to rounding. */
    public static final double RELATIVE_TOLERANCE = 1e-9;

    /** True when {@code actual} is the expected number (within tolerance) or both are absent. */
    public boolean matches(Double actual) {
        if (value == null || actual == null) {
            return value == null && actual == null;
        }
        return numbersMatch(value, actual);
    }

    static boolean numbersMatch(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (expected == actual) {
            return true;
        }
        return Math.abs(expected - actual) <= RELATIVE_TOLERANCE * Math.max(Math.abs(expected), Math.abs(actual));
    }
}
