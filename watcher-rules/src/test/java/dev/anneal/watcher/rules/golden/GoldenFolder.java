package dev.anneal.watcher.rules.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * A folder of golden bad files, in the manner of Alertmanager's {@code config/testdata}: every
 * {@code NAME.yaml} sits next to {@code NAME.error}, the complete text the loader must report
 * (every problem, one per line). Each file is loaded under the source name {@code FOLDER/NAME.yaml}
 * so the text does not depend on the machine. One harness serves every strict loader (rule files
 * in watcher-rules, the daemon configuration in watcher-app): a test names its folder and says
 * how to load one file.
 *
 * <p>The folder is read where it is written, {@code src/test/resources/FOLDER} under the module
 * (the directory tests run in), so that {@code -Dgolden.update=true} can rewrite the
 * {@code .error} files from what the loader now says; review the diff before committing it.
 *
 * <p>A {@code NAME.pending} file marks a case whose {@code .error} holds a <em>proposed</em>
 * message that the loader does not produce yet (the current one was judged unclear); its one line
 * says why. Such a case is skipped while the loader still differs and fails once it matches, as a
 * reminder to delete the {@code .pending} file. Updating never overwrites a proposed message.
 */
public final class GoldenFolder {

    /** The system property that switches from comparing to rewriting the {@code .error} files. */
    public static final String UPDATE_PROPERTY = "golden.update";

    private static final String INPUT = ".yaml";
    private static final String EXPECTED = ".error";
    private static final String PENDING = ".pending";

    /** Loads one bad file. */
    @FunctionalInterface
    public interface Loader {
        /**
         * Every problem the loader reports for {@code text}, read from {@code source}; empty when
         * it loads.
         */
        List<String> problems(String source, String text) throws Exception;
    }

    private final String folder;
    private final Path dir;
    private final Loader loader;
    private final boolean update;

    private GoldenFolder(String folder, Path dir, Loader loader, boolean update) {
        this.folder = folder;
        this.dir = dir;
        this.loader = loader;
        this.update = update;
    }

    /** The folder {@code src/test/resources/FOLDER} of the module under test. */
    public static GoldenFolder of(String folder, Loader loader) {
        return new GoldenFolder(folder, Path.of("src", "test", "resources", folder), loader,
                Boolean.getBoolean(UPDATE_PROPERTY));
    }

    /** Any folder, comparing or updating as told (for the harness's own tests). */
    static GoldenFolder at(Path dir, Loader loader, boolean update) {
        return new GoldenFolder(dir.getFileName().toString(), dir, loader, update);
    }

    /** A file of the folder, such as {@code NAME.yaml}, for tests that run it through a command. */
    public Path file(String fileName) {
        return dir.resolve(fileName);
    }

    /** The case names ({@code NAME} of each {@code NAME.yaml}), sorted. */
    public List<String> names() {
        assertThat(dir).as("the golden folder (tests run in the module directory)").isDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(INPUT))
                    .map(n -> n.substring(0, n.length() - INPUT.length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One test per case, named after it. */
    public Stream<DynamicTest> tests() {
        return names().stream().map(name -> DynamicTest.dynamicTest(name, dir.resolve(name + INPUT).toUri(),
                () -> check(name)));
    }

    /**
     * Loads {@code NAME.yaml} and compares the complete error text with {@code NAME.error} (or, in
     * update mode, writes it there).
     */
    public void check(String name) throws Exception {
        String source = folder + "/" + name + INPUT;
        String yaml = Files.readString(dir.resolve(name + INPUT), StandardCharsets.UTF_8);
        List<String> problems = loader.problems(source, yaml);
        if (problems.isEmpty()) {
            fail("%s loaded without a problem", source);
        }
        String actual = String.join("\n", problems);
        Path expectedFile = dir.resolve(name + EXPECTED);
        Path pending = dir.resolve(name + PENDING);
        if (update && !Files.exists(pending)) {
            if (!Files.exists(expectedFile) || !expected(expectedFile).equals(actual)) {
                Files.writeString(expectedFile, actual + "\n", StandardCharsets.UTF_8);
            }
            return;
        }
        assertThat(expectedFile).as("%s next to %s (write it with -D%s=true)", name + EXPECTED, source,
                UPDATE_PROPERTY).exists();
        String expected = expected(expectedFile);
        if (Files.exists(pending)) {
            String why = Files.readString(pending, StandardCharsets.UTF_8).strip();
            if (actual.equals(expected)) {
                fail("%s: the loader now reports the proposed message; delete %s", source, name + PENDING);
            }
            Assumptions.abort("PROPOSED MESSAGE, not produced yet (" + why + "); the loader says:\n" + actual);
        }
        assertThat(actual).as("problems for %s", source).isEqualTo(expected);
    }

    /**
     * Every case has its expected error, every {@code .error} and {@code .pending} file its case,
     * and there are at least {@code atLeast} cases (so a misplaced folder cannot pass by being empty).
     */
    public void checkComplete(int atLeast) {
        List<String> names = names();
        assertThat(names).as("cases in %s", folder).hasSizeGreaterThanOrEqualTo(atLeast);
        for (String name : names) {
            assertThat(dir.resolve(name + EXPECTED)).as(name + EXPECTED).exists();
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(EXPECTED) || n.endsWith(PENDING))
                    .forEach(n -> assertThat(names).as("the " + INPUT + " next to " + n)
                            .contains(n.substring(0, n.lastIndexOf('.'))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The expected text without its final newline (editors add one). */
    private static String expected(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
