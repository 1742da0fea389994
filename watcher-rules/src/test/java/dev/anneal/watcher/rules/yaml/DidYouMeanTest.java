package dev.anneal.watcher.rules.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {

    private static final List<String> KEYS = List.of("bootstrap_servers", "properties", "startup_timeout");

    @Test
    void suggestsTheClosestWithinTwoEdits() {
        assertThat(DidYouMean.nearest("startup_timout", KEYS)).isEqualTo("startup_timeout");
        assertThat(DidYouMean.hint("propertys", KEYS)).isEqualTo(" (did you mean 'properties'?)");
        assertThat(DidYouMean.hint("colour", KEYS)).isEmpty();
    }

    @Test
    void elseTheOneCandidateTheWordBegins() {
        assertThat(DidYouMean.nearest("bootstrap", KEYS)).isEqualTo("bootstrap_servers");
        assertThat(DidYouMean.nearest("st", List.of("startup_timeout", "x"))).isNull();
        assertThat(DidYouMean.nearest("sta", List.of("startup_timeout", "state_dir"))).isNull();
    }

    @Test
    void aWordIsNotSuggestedByDeletingAllOfIt() {
        assertThat(DidYouMean.nearest("ab", List.of("x"))).isNull();
        assertThat(DidYouMean.nearest("a", List.of("b"))).isNull();
    }

    @Test
    void editDistanceIsLevenshtein() {
        assertThat(DidYouMean.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(DidYouMean.editDistance("", "abc")).isEqualTo(3);
        assertThat(DidYouMean.editDistance("same", "same")).isZero();
    }
}
