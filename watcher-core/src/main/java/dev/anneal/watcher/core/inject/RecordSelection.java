package dev.anneal.watcher.core.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which records an edit applies to, by 1-based position in the injected sequence: {@code 3},
 * {@code 3-7}, {@code 3,5,9}, {@code 5-} (record 5 to the end), or a comma list mixing them.
 *
 * @param ranges inclusive ranges; an open end is {@link Integer#MAX_VALUE}
 */
public record RecordSelection(List<Range> ranges) {

    /**
     * An inclusive range of 1-based record numbers.
     *
     * @param first the first record, {@code >= 1}
     * @param last  the last record ({@link Integer#MAX_VALUE}: to the end), {@code >= first}
     */
    public record Range(int first, int last) {
        public Range {
            if (first < 1 || last < first) {
                throw new IllegalArgumentException("bad range " + first + "-" + last);
            }
        }

        boolean openEnded() {
            return last == Integer.MAX_VALUE;
        }

        @Override
        public String toString() {
            return first == last ? Integer.toString(first) : first + "-" + (openEnded() ? "" : Integer.toString(last));
        }
    }

    public RecordSelection {
        ranges = List.copyOf(Objects.requireNonNull(ranges, "ranges"));
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("a record selection needs at least one record");
        }
    }

    /**
     * Parses {@code 3}, {@code 3-7}, {@code 3,5,9}, {@code 5-}.
     *
     * @throws IllegalArgumentException saying what is wrong and what to write instead
     */
    public static RecordSelection parse(String text) {
        Objects.requireNonNull(text, "text");
        List<Range> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("empty record number in '" + text
                        + "'; write records as 3, 3-7, 3,5,9 or 5-");
            }
            int dash = p.indexOf('-');
            if (dash < 0) {
                int n = number(p, text);
                out.add(new Range(n, n));
            } else {
                int first = number(p.substring(0, dash), text);
                String rest = p.substring(dash + 1);
                int last = rest.isEmpty() ? Integer.MAX_VALUE : number(rest, text);
                if (last < first) {
                    throw new IllegalArgumentException("record range " + p + " in '" + text
                            + "' ends before it starts");
                }
                out.add(new Range(first, last));
            }
        }
        return new RecordSelection(out);
    }

    private static int number(String s, String whole) {
        String t = s.trim();
        if (!t.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("'" + t + "' in '" + whole + "' is not a record number; write records "
                    + "as 3, 3-7, 3,5,9 or 5- (records count from 1)");
        }
        int n = Integer.parseInt(t);
        if (n < 1) {
            throw new IllegalArgumentException("record 0 in '" + whole + "': records count from 1");
        }
        return n;
    }

    /** True when 1-based record {@code n} is selected. */
    public boolean contains(int n) {
        for (Range r : ranges) {
            if (n >= r.first() && n <= r.last()) {
                return true;
            }
        }
        return false;
    }

    /** The highest record a closed range names, or 0 when every range is open-ended. */
    public int highestClosed() {
        int max = 0;
        for (Range r : ranges) {
            max = Math.max(max, r.openEnded() ? r.first() : r.last());
        }
        return max;
    }

    @Override
    public String toString() {
        return String.join(",", ranges.stream().map(Range::toString).toList());
    }
}
