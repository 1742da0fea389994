package dev.anneal.watcher.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromQlTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            up{job="watcher"} == 0                                                             | up
            sum by (reason) (rate(watcher_records_rejected_total{job=~"$job"}[$__rate_interval])) | watcher_records_rejected_total
            histogram_quantile(0.99, sum by (le, output) (rate(x_bucket[5m])))                 | x_bucket
            a / on (instance) group_left (rule) b > bool 1e3                                   | a b
            x unless x offset 15m                                                              | x
            max by (job) (lag{client_id=~".*-StreamThread-[0-9]+-consumer"}) and deriv(w:lag:max[15m]) > 0 | lag w:lag:max
            absent(up{job="watcher"})                                                          | up
            sum(increase(a[$__range])) / sum without (x) (b)                                   | a b
            count(m{name="by (x) sum(y)"}) * 2.5                                               | m
            """)
    void findsTheMetricNamesAndNothingElse(String expr, String expected) {
        assertThat(PromQl.metricNames(expr)).isEqualTo(new TreeSet<>(Arrays.asList(expected.split(" "))));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            vector(1)
            time() - 5
            """)
    void anExpressionWithoutSelectorsReadsNoMetric(String expr) {
        assertThat(PromQl.metricNames(expr)).isEqualTo(Set.of());
    }
}
