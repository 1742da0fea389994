package dev.anneal.watcher.app.cli;

import static dev.anneal.watcher.app.cli.CliRunner.resource;
import static dev.anneal.watcher.app.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.cli.CliRunner.Result;
import dev.anneal.watcher.rules.cel.Template;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import org.junit.jupiter.api.Test;

class RulesCommandTest {

    @Test
    void checkValidFilePrintsOkWithRuleCountAndDisabledRules() {
        String file = resource("rules/ladder.yaml");
        Result r = run("rules", "check", file);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(file + ": OK (3 rules)\n"
                + "  loss_rollback is disabled by default: parameter rollback_at is none\n");
    }

    @Test
    void checkInvalidFilePrintsEveryProblemAndExits78() {
        String good = resource("rules/ladder.yaml");
        String bad = resource("rules/bad.yaml");
        Result r = run("rules", "check", good, bad);
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.out()).contains(good + ": OK (3 rules)\n")
                .contains(bad + ": INVALID (1 problem)\n"
                        + bad + ":6: rule loss_high.severity: 'urgent' is not one of info, warning, critical\n");
    }

    @Test
    void checkMissingFileExits66() {
        Result r = run("rules", "check", "no/such/rules.yaml");
        assertThat(r.code()).isEqualTo(ExitCodes.NO_INPUT);
        assertThat(r.out()).contains("no/such/rules.yaml: cannot read: no such file");
    }

    @Test
    void checkNeedsAFile() {
        assertThat(run("rules", "check").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("rules").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void listShowsEveryPackAndEveryParameterWithItsDefault() throws Exception {
        Result r = run("rules", "list");
        assertThat(r.code()).as(r.toString()).isZero();
        for (PackSpec pack : BuiltinPacks.all()) {
            assertThat(r.out()).contains("pack " + pack.name() + "\n");
            for (ParameterSpec p : pack.parameters()) {
                String shown = p.defaultValue() == null ? "none" : Template.formatNumber(p.defaultValue());
                assertThat(r.out()).contains("    " + p.name() + " = " + shown);
            }
        }
        assertThat(r.out()).contains("kl_threshold = none", "anneal_bc_min = 0.9")
                .contains("disabled by default: parameter kl_threshold is none");
    }

    @Test
    void listJsonHasEveryPack() throws Exception {
        Result r = run("rules", "list", "--json");
        assertThat(r.code()).isZero();
        JsonNode packs = new ObjectMapper().readTree(r.out()).path("packs");
        assertThat(packs.size()).isEqualTo(BuiltinPacks.NAMES.size());
        for (int i = 0; i < packs.size(); i++) {
            assertThat(packs.get(i).path("name").asText()).isEqualTo(BuiltinPacks.NAMES.get(i));
            assertThat(packs.get(i).path("rules").isArray()).isTrue();
        }
    }

    @Test
    void helpListsExitCodes() {
        assertThat(run("rules", "check", "--help").out()).contains("Exit codes:", "78", "66");
        assertThat(run("rules", "list", "--help").out()).contains("--json", "Exit codes:");
    }
}
