package dev.anneal.watcher.rules.load;

import dev.anneal.watcher.rules.spec.PackSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rule packs shipped inside the jar ({@code --rules NAME}) and the one place that turns a
 * {@code --rules} argument into a loaded pack: a built-in name, or else a path to a YAML file.
 */
public final class BuiltinPacks {

    /** Built-in pack names, in the order {@code watcher rules list} shows them. */
    public static final List<String> NAMES = List.of("anneal-gates", "townlet-watch", "townlet-health",
            "promotion-evaluate");

    /** The pack used when no {@code --rules} is given. */
    public static final String DEFAULT = "anneal-gates";

    private static final String RESOURCE_DIR = "/dev/anneal/watcher/rules/packs/";

    private BuiltinPacks() {
    }

    /** The text of a built-in pack, or empty when {@code name} is not one. */
    public static Optional<String> text(String name) {
        if (!NAMES.contains(name)) {
            return Optional.empty();
        }
        try (InputStream in = BuiltinPacks.class.getResourceAsStream(RESOURCE_DIR + name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("built-in pack " + name + " is missing from the jar");
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads a {@code --rules} argument: a built-in pack name or a YAML file path.
     *
     * @throws NoSuchFileException when it is neither
     * @throws RuleLoadException   when the file is not a valid pack
     */
    public static PackSpec load(String nameOrPath) throws IOException, RuleLoadException {
        Optional<String> builtin = text(nameOrPath);
        if (builtin.isPresent()) {
            return RuleFileLoader.load("builtin:" + nameOrPath, builtin.get());
        }
        Path path = Path.of(nameOrPath);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(nameOrPath, null,
                    "not a built-in pack (" + String.join(", ", NAMES) + ") and no such file");
        }
        return RuleFileLoader.load(nameOrPath, Files.readString(path, StandardCharsets.UTF_8));
    }

    /** Loads every built-in pack (for {@code rules list} and tests). */
    public static List<PackSpec> all() throws RuleLoadException {
        List<PackSpec> out = new ArrayList<>();
        for (String name : NAMES) {
            out.add(RuleFileLoader.load("builtin:" + name, text(name).orElseThrow()));
        }
        return out;
    }
}
