package dev.anneal.watcher.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.core.stream.RunQueries.RunOverview;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.RunStatus;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The query of {@code GET /api/runs}: what each filter keeps, and the parameters it refuses. */
class RunFilterTest {

    private static final RunOverview HOLD_REAL = run("a", Action.HOLD, false);
    private static final RunOverview HOLD_DRILL = run("b", Action.HOLD, true);
    private static final RunOverview PASS_REAL = run("c", Action.PASS, false);
    private static final RunOverview NONE_YET = run("d", null, false);
    private static final List<RunOverview> ALL = List.of(HOLD_REAL, HOLD_DRILL, PASS_REAL, NONE_YET);

    private static RunOverview run(String id, Action action, boolean synthetic) {
        return new RunOverview(id, action, false, List.of(), 0, null, RunStatus.ACTIVE, 0, null, synthetic);
    }

    private static List<RunOverview> keep(String query) {
        Predicate<RunOverview> p = RunFilter.parse(query);
        return ALL.stream().filter(p).toList();
    }

    @Test
    void eachFilterKeepsItsRunsAndBothMustHold() {
        assertThat(keep("")).isEqualTo(ALL);
        assertThat(keep("action=HOLD")).containsExactly(HOLD_REAL, HOLD_DRILL);
        assertThat(keep("action=hold")).containsExactly(HOLD_REAL, HOLD_DRILL);
        assertThat(keep("synthetic=true")).containsExactly(HOLD_DRILL);
        assertThat(keep("synthetic=false")).containsExactly(HOLD_REAL, PASS_REAL, NONE_YET);
        assertThat(keep("action=HOLD&synthetic=false")).containsExactly(HOLD_REAL);
        assertThat(keep("action=%50ASS")).containsExactly(PASS_REAL);
    }

    @Test
    void unknownRepeatedOrBadParametersAreRefusedNamingThem() {
        assertThatThrownBy(() -> RunFilter.parse("action=MAYBE")).hasMessageContaining("action: 'MAYBE' is not an "
                + "action; use one of [PROMOTE, PASS, HOLD, FREEZE, ROLLBACK]");
        assertThatThrownBy(() -> RunFilter.parse("synthetic=yes")).hasMessage("synthetic: expected true or false, "
                + "got 'yes'");
        assertThatThrownBy(() -> RunFilter.parse("run=a")).hasMessageContaining("unknown query parameter 'run'");
        assertThatThrownBy(() -> RunFilter.parse("action=HOLD&action=PASS")).hasMessage("action: give it once");
        assertThatThrownBy(() -> RunFilter.parse("action=%zz")).hasMessageContaining("not percent-encoded");
    }
}
