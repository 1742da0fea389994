package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.RuleFileLoader;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.spec.PackSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code watcher rules check FILE...}: runs each rule file, on its own, through the same loader
 * and compiler that {@code replay} uses (with default parameters), and prints
 * {@code FILE: OK (N rules)} or every problem found as {@code file:line: message}.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Validate rule files with the loader and compiler that replay uses, each file on its own "
                    + "with its default parameters.",
            "Prints 'FILE: OK (N rules)', or 'FILE: INVALID' followed by every problem as "
                    + "'file:line: message', on stdout."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":every file is valid",
            ExitCodes.USAGE + ":bad usage",
            ExitCodes.NO_INPUT + ":a file is missing or unreadable (and none is invalid)",
            ExitCodes.CONFIG + ":at least one file is invalid"})
public final class RulesCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rule files (YAML) to check.")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean invalid = false;
        boolean missing = false;
        for (Path file : files) {
            String name = file.toString();
            if (!Files.isRegularFile(file)) {
                out.println(name + ": cannot read: " + (Files.exists(file) ? "not a regular file" : "no such file"));
                missing = true;
                continue;
            }
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                PackSpec pack = RuleFileLoader.load(name, text);
                RuleSet rules = RuleSetCompiler.compile(List.of(pack), Map.of());
                out.println(name + ": OK (" + pack.rules().size() + (pack.rules().size() == 1 ? " rule)" : " rules)"));
                for (CompiledPack p : rules.packs()) {
                    p.disabled().forEach((id, why) -> out.println("  " + id + " is disabled by default: " + why));
                }
            } catch (RuleLoadException e) {
                invalid = true;
                out.println(name + ": INVALID (" + e.problems().size()
                        + (e.problems().size() == 1 ? " problem)" : " problems)"));
                e.problems().forEach(out::println);
            } catch (CharacterCodingException e) {
                invalid = true;
                out.println(name + ": INVALID (1 problem)");
                out.println(name + ":1: not UTF-8 text; save the file as UTF-8");
            } catch (IOException e) {
                missing = true;
                out.println(name + ": cannot read: " + ErrorHandler.describe(e));
            }
        }
        out.flush();
        return invalid ? ExitCodes.CONFIG : missing ? ExitCodes.NO_INPUT : ExitCodes.OK;
    }
}
