package dev.anneal.watcher.rules.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.RecordKind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A selector's text is part of its rule's fingerprint, so it must not depend on the order its
 * kinds were listed in, nor on the JVM: {@code Set.copyOf} iterates in an order salted per JVM,
 * which made a restarted daemon drop the stored state of rules selecting two kinds.
 */
class SelectorSpecTest {

    @Test
    void kindsIterateInDeclarationOrderWhateverOrderTheyWereGivenIn() {
        SelectorSpec a = new SelectorSpec(new LinkedHashSet<>(List.of(RecordKind.REHEARSAL, RecordKind.BC_STAGE)),
                List.of(), Optional.empty());
        SelectorSpec b = new SelectorSpec(new LinkedHashSet<>(List.of(RecordKind.BC_STAGE, RecordKind.REHEARSAL)),
                List.of(), Optional.empty());
        assertThat(a.toString()).isEqualTo(b.toString());
        assertThat(List.copyOf(a.kinds())).containsExactly(RecordKind.BC_STAGE, RecordKind.REHEARSAL);
        assertThat(new SelectorSpec(new LinkedHashSet<>(), List.of(), Optional.empty()).kinds()).isEmpty();
    }
}
