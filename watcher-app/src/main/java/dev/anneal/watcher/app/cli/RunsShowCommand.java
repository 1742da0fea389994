package dev.anneal.watcher.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code watcher runs show RUN}: one run from {@code GET /api/runs/{id}}: its recommendation and
 * latch, open alerts, the evidence behind the recommendation, acks, silences and the latest audit
 * records, for the on-call engineer deciding whether to clear (docs/operations.md).
 */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"One run: recommendation, latch, open alerts, evidence, acks, silences and its audit trail."})
public final class RunsShowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    RunsCommand parent;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run.")
    String run;

    @Mixin
    ApiOptions api;

    @Override
    public Integer call() throws Exception {
        JsonNode detail = ApiClient.of(api, parent.env()).get("/api/runs/" + ApiClient.segment(run));
        PrintWriter out = spec.commandLine().getOut();
        if (api.json) {
            out.println(detail);
        } else {
            RunsFormat.detail(detail, out);
        }
        return ExitCodes.OK;
    }
}
