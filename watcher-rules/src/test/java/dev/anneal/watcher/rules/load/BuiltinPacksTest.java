package dev.anneal.watcher.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.spec.PackSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BuiltinPacksTest {

    static List<String> names() {
        return BuiltinPacks.NAMES;
    }

    @ParameterizedTest
    @MethodSource("names")
    void everyBuiltinPackLoadsAndCompiles(String name) throws Exception {
        PackSpec pack = BuiltinPacks.load(name);
        assertThat(pack.name()).isEqualTo(name);
        RuleSet rules = RuleSetCompiler.compile(List.of(pack), Map.of());
        assertThat(rules.digest()).startsWith("sha256:");
    }
}
