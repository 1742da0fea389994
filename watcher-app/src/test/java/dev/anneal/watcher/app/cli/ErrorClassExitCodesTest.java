package dev.anneal.watcher.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.app.daemon.StartupException;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.replay.StrictRejectionException;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.model.ErrorClass;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The error classes and the exit codes agree, in the code and in {@code docs/ARCHITECTURE.md}
 * ("Errors"): each class has its codes, each failure code its one class, and where the CLI
 * classifies a failure the code follows from the class.
 */
class ErrorClassExitCodesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            BAD_INPUT    | 65
            BAD_CONFIG   | 78
            TRANSIENT_IO | 74
            FATAL        | 70
            """)
    void eachClassHasItsOwnCode(ErrorClass errorClass, int code) {
        assertThat(ExitCodes.of(errorClass)).isEqualTo(code);
        assertThat(ExitCodes.errorClass(code)).isEqualTo(errorClass);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', textBlock = """
            64 | BAD_CONFIG
            65 | BAD_INPUT
            66 | BAD_INPUT
            69 | TRANSIENT_IO
            70 | FATAL
            74 | TRANSIENT_IO
            75 | TRANSIENT_IO
            78 | BAD_CONFIG
            """)
    void eachFailureCodeHasOneClass(int code, ErrorClass errorClass) {
        assertThat(ExitCodes.errorClass(code)).isEqualTo(errorClass);
    }

    @Test
    void everyFailureCodeIsClassifiedAndDecisionsAreNot() throws IllegalAccessException {
        List<Integer> failures = new ArrayList<>();
        for (int code : codes()) {
            if (code >= ExitCodes.USAGE) {
                failures.add(code);
                assertThat(ExitCodes.errorClass(code)).as("class of %d", code).isNotNull();
            } else {
                assertThatThrownBy(() -> ExitCodes.errorClass(code)).isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(failures).containsExactlyInAnyOrder(64, 65, 66, 69, 70, 74, 75, 78);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StartupException.Kind.class)
    void startupFailuresExitWithACodeOfTheirClass(StartupException.Kind kind) {
        int expected = switch (kind) {
            case CONFIG -> 78;
            case UNAVAILABLE -> 69;
            case IO -> 74;
            case FATAL -> 70;
        };
        assertThat(RunCommand.exitCode(kind)).isEqualTo(expected);
        assertThat(ExitCodes.errorClass(RunCommand.exitCode(kind))).isEqualTo(kind.errorClass());
    }

    static Stream<Arguments> failures() {
        Rejection rejection = new Rejection(SourcePosition.line("in.jsonl", 3),
                new RejectReason(RejectionCategory.INVALID_JSON, "invalid JSON: oops"), "{");
        return Stream.of(
                Arguments.of(new RuleLoadException(List.of("r.yaml:1: bad")), ErrorClass.BAD_CONFIG, 78),
                Arguments.of(new StrictRejectionException(rejection), ErrorClass.BAD_INPUT, 65),
                Arguments.of(new NoSuchFileException("out/alerts.jsonl"), ErrorClass.TRANSIENT_IO, 74),
                Arguments.of(new UncheckedIOException(new IOException("disk full")), ErrorClass.TRANSIENT_IO, 74),
                Arguments.of(new IllegalStateException("a bug"), ErrorClass.FATAL, 70),
                Arguments.of(new CommandFailure(ExitCodes.TEMPFAIL, "too slow"), ErrorClass.TRANSIENT_IO, 75));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void theErrorHandlerExitsWithTheCodeOfTheFailuresClass(Exception failure, ErrorClass errorClass, int code) {
        CommandLine cmd = new CommandLine(CommandLine.Model.CommandSpec.create());
        cmd.setErr(new PrintWriter(new StringWriter()));
        int exit = new ErrorHandler().handleExecutionException(failure, cmd, null);
        assertThat(exit).isEqualTo(code);
        assertThat(ExitCodes.errorClass(exit)).isEqualTo(errorClass);
    }

    /** The "Errors" table of docs/ARCHITECTURE.md lists, for each class, exactly the codes of that class. */
    @Test
    void theArchitectureDocumentListsTheCodesOfEachClass() throws Exception {
        List<String> lines = Files.readAllLines(CliRunner.projectRoot().resolve("docs/ARCHITECTURE.md"),
                StandardCharsets.UTF_8);
        Map<ErrorClass, TreeSet<Integer>> documented = new EnumMap<>(ErrorClass.class);
        for (String line : lines) {
            for (ErrorClass c : ErrorClass.values()) {
                if (line.startsWith("| `" + c.id() + "` |")) {
                    TreeSet<Integer> codes = new TreeSet<>();
                    for (String code : line.split("\\|")[2].split(",")) {
                        codes.add(Integer.parseInt(code.strip()));
                    }
                    documented.put(c, codes);
                }
            }
        }
        Map<ErrorClass, TreeSet<Integer>> actual = new EnumMap<>(ErrorClass.class);
        for (int code : codes()) {
            if (code >= ExitCodes.USAGE) {
                actual.computeIfAbsent(ExitCodes.errorClass(code), c -> new TreeSet<>()).add(code);
            }
        }
        assertThat(documented).isEqualTo(actual);
    }

    /** Every code {@link ExitCodes} defines. */
    private static List<Integer> codes() throws IllegalAccessException {
        List<Integer> codes = new ArrayList<>();
        for (Field f : ExitCodes.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                codes.add(f.getInt(null));
            }
        }
        return codes;
    }
}
