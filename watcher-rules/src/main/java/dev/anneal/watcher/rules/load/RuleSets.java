package dev.anneal.watcher.rules.load;

import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.spec.PackSpec;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code --rules} and {@code --param} arguments (or the daemon's {@code rules.packs} and
 * {@code rules.params}) into a compiled {@link RuleSet}, the way every command and the daemon's
 * reload do. Every problem, across all packs and parameters, is reported at once as a
 * {@link RuleLoadException} (exit 78 in the CLI), including a {@code --rules} value that is
 * neither a built-in pack nor a readable file.
 */
public final class RuleSets {

    private RuleSets() {
    }

    /**
     * Loads and compiles the packs.
     *
     * @param rules  {@code --rules} values in order; empty means {@link BuiltinPacks#DEFAULT}
     * @param params {@code --param} overrides, name to value text ({@code none} unsets)
     */
    public static RuleSet compile(List<String> rules, Map<String, String> params) throws RuleLoadException {
        List<String> names = rules.isEmpty() ? List.of(BuiltinPacks.DEFAULT) : rules;
        List<PackSpec> packs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            try {
                packs.add(BuiltinPacks.load(name));
            } catch (RuleLoadException e) {
                problems.addAll(e.problems());
            } catch (NoSuchFileException e) {
                problems.add("--rules " + name + ": " + (e.getReason() != null ? e.getReason() : "no such file"));
            } catch (CharacterCodingException e) {
                problems.add(name + ":1: not UTF-8 text; save the file as UTF-8");
            } catch (IOException e) {
                problems.add("--rules " + name + ": cannot read: " + IoMessages.describe(e));
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleLoadException(problems);
        }
        return RuleSetCompiler.compile(packs, params);
    }
}
