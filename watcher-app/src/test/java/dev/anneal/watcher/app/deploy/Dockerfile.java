package dev.anneal.watcher.app.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code deploy/Dockerfile} read into its instructions (continuation lines joined, comments left
 * out) and stages, for the tests that check the image without a Docker engine.
 *
 * @param instructions every instruction in file order
 */
record Dockerfile(List<Instruction> instructions) {

    static final Path FILE = DeployFiles.deploy("Dockerfile");

    /** One instruction: its keyword in upper case, its arguments as written, its stage (0 = before any FROM). */
    record Instruction(String keyword, String args, int stage) {
        /** The arguments of an exec-form instruction (a JSON array). */
        List<String> execForm() {
            try {
                return DeployFiles.JSON.readValue(args, new TypeReference<List<String>>() { });
            } catch (IOException e) {
                throw new AssertionError(keyword + " is not in exec form (a JSON array): " + args, e);
            }
        }
    }

    static Dockerfile read() {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int stage = 0;
        for (String line : DeployFiles.read(FILE).split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            String full = pending.append(trimmed).toString().strip();
            pending.setLength(0);
            if (full.isEmpty()) {
                continue;
            }
            int space = full.indexOf(' ');
            String keyword = full.substring(0, space).toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                stage++;
            }
            out.add(new Instruction(keyword, full.substring(space + 1).strip(), stage));
        }
        return new Dockerfile(List.copyOf(out));
    }

    /** The number of the last stage (the image). */
    int finalStage() {
        return instructions.get(instructions.size() - 1).stage();
    }

    /** The instructions with this keyword in stage {@code stage}. */
    List<Instruction> in(int stage, String keyword) {
        return instructions.stream().filter(i -> i.stage() == stage && i.keyword().equals(keyword)).toList();
    }

    /** The one instruction with this keyword in the final stage. */
    Instruction inImage(String keyword) {
        List<Instruction> found = in(finalStage(), keyword);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + keyword + " in the final stage, found " + found);
        }
        return found.get(0);
    }

    /** The default of {@code ARG name=default} anywhere in the file. */
    Optional<String> argDefault(String name) {
        for (Instruction i : instructions) {
            if (i.keyword().equals("ARG") && i.args().startsWith(name + "=")) {
                return Optional.of(i.args().substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** The names of the stages ({@code FROM image AS name}) by number. */
    Map<Integer, String> stageNames() {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (Instruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                String[] words = i.args().split("\\s+");
                out.put(i.stage(), words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : "");
            }
        }
        return out;
    }

    /** The numeric uid of the final stage's {@code USER uid:gid}. */
    long runtimeUid() {
        return Long.parseLong(inImage("USER").args().split(":")[0]);
    }

    /** The value of {@code ENV NAME=value} in the final stage, quotes removed. */
    Optional<String> env(String name) {
        for (Instruction i : in(finalStage(), "ENV")) {
            if (i.args().startsWith(name + "=")) {
                String v = i.args().substring(name.length() + 1);
                return Optional.of(v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v);
            }
        }
        return Optional.empty();
    }
}
