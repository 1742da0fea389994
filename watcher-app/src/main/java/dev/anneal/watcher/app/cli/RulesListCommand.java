package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.core.output.PackListJson;
import dev.anneal.watcher.core.output.PackListText;
import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.spec.PackSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watcher rules list}: the built-in packs with their parameters (and defaults), rules, and
 * the rules that the default parameters leave disabled. Each pack is compiled on its own with
 * default parameters to find those.
 */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "List the built-in rule packs: description, parameters with defaults ('none' "
                + "disables the rules that use it until --param sets it), rules with action and severity, "
                + "and which rules are disabled by default.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":listed",
            ExitCodes.USAGE + ":bad usage",
            ExitCodes.CONFIG + ":a built-in pack does not compile (a bug in the build)"})
public final class RulesListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the list as JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws RuleLoadException {
        List<CompiledPack> packs = new ArrayList<>();
        for (PackSpec pack : BuiltinPacks.all()) {
            packs.add(RuleSetCompiler.compile(List.of(pack), Map.of()).packs().get(0));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? PackListJson.toJson(packs) : PackListText.render(packs));
        out.flush();
        return ExitCodes.OK;
    }
}
