package dev.anneal.watcher.core.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.FieldValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Python's str()/repr() of decoded values, checked against CPython 3 output. */
class PythonReprTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1.0                  | 1.0
            0.0                  | 0.0
            -0.0                 | -0.0
            0.5                  | 0.5
            -2.5                 | -2.5
            0.1                  | 0.1
            0.30000000000000004  | 0.30000000000000004
            0.3333333333333333   | 0.3333333333333333
            100.0                | 100.0
            1e15                 | 1000000000000000.0
            1e16                 | 1e+16
            1.5e16               | 1.5e+16
            1e100                | 1e+100
            0.0001               | 0.0001
            0.00001              | 1e-05
            1.25e-7              | 1.25e-07
            123456789.125        | 123456789.125
            5e-324               | 5e-324
            1.7976931348623157e308 | 1.7976931348623157e+308
            2.2250738585072014e-308 | 2.2250738585072014e-308
            """)
    void floatReprMatchesCPython(double value, String expected) {
        assertThat(PythonRepr.floatRepr(value)).isEqualTo(expected);
    }

    @Test
    void strOfOtherValues() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 1.0);
        map.put("b", "it's");

        assertThat(PythonRepr.str(1.0, "1")).isEqualTo("1");
        assertThat(PythonRepr.str(0.0, "-0")).isEqualTo("0");
        assertThat(PythonRepr.str(1.0e20, "100000000000000000000")).isEqualTo("100000000000000000000");
        assertThat(PythonRepr.str(null, null)).isEqualTo("None");
        assertThat(PythonRepr.str(FieldValues.NULL, null)).isEqualTo("None");
        assertThat(PythonRepr.str(true, null)).isEqualTo("True");
        assertThat(PythonRepr.str("c1", null)).isEqualTo("c1");
        assertThat(PythonRepr.str(List.of(1.0, "x", FieldValues.NULL), null)).isEqualTo("[1.0, 'x', None]");
        assertThat(PythonRepr.str(map, null)).isEqualTo("{'a': 1.0, 'b': 'it\\'s'}");
        assertThat(PythonRepr.floatRepr(Double.NaN)).isEqualTo("nan");
        assertThat(PythonRepr.floatRepr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    }
}
