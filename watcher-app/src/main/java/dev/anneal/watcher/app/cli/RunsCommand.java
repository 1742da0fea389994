package dev.anneal.watcher.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watcher runs}: the runs a daemon instance holds, as a table for people or as the API's
 * JSON, read from {@code GET /api/runs} (filtered by the server: {@code ?action=}, {@code ?synthetic=}).
 * {@code watcher runs show RUN} shows one run ({@link RunsShowCommand}).
 */
@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        subcommands = RunsShowCommand.class,
        description = {
            "The runs the daemon holds: recommendation, latch, open alerts, acks, silences, last record time.",
            "Reads the daemon's HTTP API (/api/runs). 'watcher runs show RUN' shows one run's evidence and audit trail."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":shown",
            ExitCodes.USAGE + ":bad usage (an unknown --action, ...)",
            ExitCodes.NO_INPUT + ":runs show: no such run on that instance",
            ExitCodes.UNAVAILABLE + ":no watcher API answered at --api",
            ExitCodes.IO_ERROR + ":the API answered with an error",
            ExitCodes.TEMPFAIL + ":the daemon cannot answer yet (starting, rebalancing): try again",
            ExitCodes.CONFIG + ":the API refused the token (401/403): --token-file or WATCHER_API_TOKEN"})
public final class RunsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--action", paramLabel = "ACTION", description = "Only runs whose recommendation is ACTION "
            + "(PROMOTE, PASS, HOLD, FREEZE, ROLLBACK).")
    String action;

    @Option(names = "--synthetic", paramLabel = "true|false", arity = "1", description = "Only drills (true) or "
            + "only real runs (false).")
    Boolean synthetic;

    @Mixin
    ApiOptions api;

    private final Map<String, String> env;

    public RunsCommand() {
        this(System.getenv());
    }

    RunsCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The environment the API token is read from. */
    Map<String, String> env() {
        return env;
    }

    @Override
    public Integer call() throws Exception {
        List<String> query = new ArrayList<>();
        if (action != null) {
            query.add("action=" + ApiClient.segment(action.toUpperCase(Locale.ROOT)));
        }
        if (synthetic != null) {
            query.add("synthetic=" + synthetic);
        }
        JsonNode runs = ApiClient.of(api, env).get("/api/runs" + (query.isEmpty() ? "" : "?" + String.join("&", query)));
        PrintWriter out = spec.commandLine().getOut();
        if (api.json) {
            out.println(runs);
        } else {
            RunsFormat.table(runs, out);
        }
        return ExitCodes.OK;
    }
}
