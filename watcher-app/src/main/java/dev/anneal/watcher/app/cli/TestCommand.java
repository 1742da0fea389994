package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.core.scenario.Scenario;
import dev.anneal.watcher.core.scenario.ScenarioLoadException;
import dev.anneal.watcher.core.scenario.ScenarioLoader;
import dev.anneal.watcher.core.scenario.ScenarioReport;
import dev.anneal.watcher.core.scenario.ScenarioRunner;
import dev.anneal.watcher.core.scenario.ScenarioTest;
import dev.anneal.watcher.core.scenario.TestOutcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code watcher test FILE...}: runs scenario files (promtool {@code test rules} style) through
 * the same replay as {@code watcher replay} and reports each test as PASS or FAIL with a diff.
 * The same files run under JUnit ({@code ScenarioFilesTest}), so a pack change that breaks a
 * scenario fails both here and in {@code mvn test}.
 *
 * <p>Every file is loaded and run even after a failure, so one run shows everything that is
 * wrong. Exit codes: 0 all tests passed, 1 a test failed, 66 a FILE does not exist, 78 a
 * scenario or rule file is invalid. The worst wins (78, then 66, then 1): a file that cannot
 * load hides tests that never ran, which must not read as a plain test failure.
 */
@Command(name = "test",
        mixinStandardHelpOptions = true,
        description = {
            "Run scenario files: replay each test's records through its rule packs and compare the alerts, "
                    + "recommendations, verdicts and rejections with the expected ones.",
            "A directory argument runs every *.yaml and *.yml file under it."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":every test passed",
            TestCommand.TESTS_FAILED + ":at least one test failed",
            ExitCodes.USAGE + ":bad usage (no FILE, bad --run pattern)",
            ExitCodes.NO_INPUT + ":a FILE does not exist (the other files still run)",
            ExitCodes.CONFIG + ":a scenario file or a rule file it names is invalid (the problems are printed)"})
public final class TestCommand implements Callable<Integer> {

    /**
     * At least one test failed. Deliberately the same number as {@link ExitCodes#HOLD}: both mean
     * "ran fine, but the answer is not a pass".
     */
    public static final int TESTS_FAILED = 1;

    @Parameters(paramLabel = "FILE", arity = "1..*",
            description = "Scenario files, or directories to search for *.yaml / *.yml scenario files.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--run", paramLabel = "REGEX",
            description = "Run only the tests whose name matches REGEX (a find, not a full match).")
    String run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Pattern filter;
        try {
            filter = run == null ? null : Pattern.compile(run);
        } catch (PatternSyntaxException e) {
            throw new ParameterException(spec.commandLine(),
                    "--run: invalid regular expression '" + run + "': " + e.getDescription());
        }
        ScenarioRunner runner = new ScenarioRunner();
        long passed = 0;
        long failed = 0;
        int invalid = 0;
        int missing = 0;
        for (Path file : expand(files, err)) {
            if (file == null) {
                missing++;
                continue;
            }
            Scenario scenario;
            try {
                scenario = ScenarioLoader.load(file);
            } catch (ScenarioLoadException e) {
                invalid++;
                err.println("INVALID " + file);
                e.problems().forEach(p -> err.println("  " + p.replace("\n", "\n  ")));
                err.flush();
                continue;
            }
            List<TestOutcome> outcomes = new ArrayList<>();
            for (ScenarioTest test : scenario.tests()) {
                if (filter == null || filter.matcher(test.name()).find()) {
                    outcomes.add(runner.run(test));
                }
            }
            ScenarioReport report = new ScenarioReport(scenario.name(), outcomes);
            print(report, out);
            passed += report.passed();
            failed += report.failed();
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        if (invalid > 0) {
            return ExitCodes.CONFIG;
        }
        if (missing > 0) {
            return ExitCodes.NO_INPUT;
        }
        return failed > 0 ? TESTS_FAILED : ExitCodes.OK;
    }

    private static void print(ScenarioReport report, PrintWriter out) {
        out.println(report.file());
        for (TestOutcome t : report.tests()) {
            out.println("  " + (t.passed() ? "PASS" : "FAIL") + "  " + t.name());
            for (String line : t.diff()) {
                out.println("        " + line);
            }
            for (String note : t.notes()) {
                out.println("        note: " + note);
            }
        }
        out.flush();
    }

    /**
     * Files as given, directories expanded to their scenario files in path order. A null entry
     * stands for an argument that is neither (already reported on {@code err}).
     */
    private static List<Path> expand(List<Path> args, PrintWriter err) {
        List<Path> out = new ArrayList<>();
        for (Path arg : args) {
            if (Files.isDirectory(arg)) {
                List<Path> found;
                try (Stream<Path> walk = Files.walk(arg)) {
                    found = walk.filter(Files::isRegularFile).filter(TestCommand::isScenarioFile).sorted().toList();
                } catch (IOException | UncheckedIOException e) {
                    err.println("MISSING " + arg);
                    err.println("  " + arg + ": cannot list directory: " + e.getMessage());
                    out.add(null);
                    continue;
                }
                if (found.isEmpty()) {
                    err.println("MISSING " + arg);
                    err.println("  " + arg + ": no *.yaml or *.yml scenario files in this directory");
                    out.add(null);
                }
                out.addAll(found);
            } else if (Files.isRegularFile(arg)) {
                out.add(arg);
            } else {
                err.println("MISSING " + arg);
                err.println("  " + arg + ": no such file or directory");
                out.add(null);
            }
        }
        err.flush();
        return out;
    }

    private static boolean isScenarioFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }
}
