package dev.anneal.watcher.app.config;

import dev.anneal.watcher.core.notify.ReceiverSpec;
import dev.anneal.watcher.core.notify.SecretRef;
import dev.anneal.watcher.rules.load.YamlNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One element of {@code notify.receivers}:
 *
 * <pre>
 * - name: oncall                 # unique; letters, digits, '.', '_', '-'
 *   type: alertmanager           # alertmanager | webhook
 *   url: http://alertmanager:9093
 *   headers: {X-Scope-OrgID: ml} # optional, sent as they are (not for secrets)
 *   bearer_token_env: AM_TOKEN   # optional: Authorization: Bearer from a variable ...
 *   bearer_token_file: /run/secrets/am-token   # ... or a file (one of the two)
 *   hmac_secret_env: HOOK_KEY    # webhook only, optional: X-Watcher-Signature key from a variable ...
 *   hmac_secret_file: /run/secrets/hook-key    # ... or a file (one of the two)
 * </pre>
 *
 * Secrets are never written in the configuration, only where to read them.
 */
final class ReceiverType implements ObjectType<ReceiverSpec> {

    static final ReceiverType INSTANCE = new ReceiverType();

    static final List<String> FIELDS = List.of("name", "type", "url", "headers", "bearer_token_env",
            "bearer_token_file", "hmac_secret_env", "hmac_secret_file");

    private ReceiverType() {
    }

    @Override
    public String label() {
        return "{name: N, type: alertmanager|webhook, url: U}";
    }

    @Override
    public String example() {
        return "{name: oncall, type: alertmanager, url: http://127.0.0.1:9093}";
    }

    @Override
    public ReceiverSpec parse(YamlNode.MapNode node, String path, Path baseDir, Function<YamlNode, String> where,
            BiConsumer<String, String> problem) {
        int[] problems = {0};
        BiConsumer<String, String> counting = (w, m) -> {
            problems[0]++;
            problem.accept(w, m);
        };
        node.entries().forEach((field, value) -> {
            if (!FIELDS.contains(field)) {
                counting.accept(where.apply(value), path + ": unknown field '" + field + "'"
                        + Suggestions.didYouMean(field, FIELDS) + "; a receiver has " + String.join(", ", FIELDS));
            }
        });
        String name = text(node, "name", path, where, counting, true);
        if (name != null && !ReceiverSpec.NAME.matcher(name).matches()) {
            counting.accept(where.apply(node.entries().get("name")), path + ".name: '" + name + "' may only contain "
                    + "letters, digits, '.', '_' and '-' (it names the receiver's consumer group and metrics)");
        }
        String typeText = text(node, "type", path, where, counting, true);
        String urlText = text(node, "url", path, where, counting, true);
        ReceiverSpec.Type type = null;
        if (typeText != null) {
            try {
                type = ReceiverSpec.Type.valueOf(typeText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                counting.accept(where.apply(node.entries().get("type")), path + ".type: expected alertmanager or "
                        + "webhook, got '" + typeText + "'");
            }
        }
        URI url = null;
        if (urlText != null) {
            try {
                url = new URI(urlText);
                if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                    counting.accept(where.apply(node.entries().get("url")), path + ".url: expected an http:// or "
                            + "https:// URL such as http://127.0.0.1:9093, got '" + urlText + "'");
                    url = null;
                }
            } catch (URISyntaxException e) {
                counting.accept(where.apply(node.entries().get("url")), path + ".url: not a valid URL: "
                        + e.getMessage());
            }
        }
        Map<String, String> headers = headers(node, path, where, counting);
        Optional<SecretRef> token = secret(node, "bearer_token", path, baseDir, where, counting);
        Optional<SecretRef> hmac = secret(node, "hmac_secret", path, baseDir, where, counting);
        if (type == ReceiverSpec.Type.ALERTMANAGER && hmac.isPresent()) {
            YamlNode at = node.entries().getOrDefault("hmac_secret_env", node.entries().get("hmac_secret_file"));
            counting.accept(where.apply(at), path + ": hmac_secret_* is for webhook receivers; Alertmanager does not "
                    + "check body signatures (use bearer_token_* or headers)");
        }
        if (problems[0] > 0 || name == null || type == null || url == null) {
            return null;
        }
        return new ReceiverSpec(name, type, url, headers, token, hmac);
    }

    private static String text(YamlNode.MapNode node, String field, String path, Function<YamlNode, String> where,
            BiConsumer<String, String> problem, boolean required) {
        YamlNode v = node.entries().get(field);
        if (v == null) {
            if (required) {
                problem.accept(where.apply(node), path + ": missing '" + field + "'; a receiver needs name, type "
                        + "and url");
            }
            return null;
        }
        if (!(v instanceof YamlNode.Scalar s) || s.isNull() || s.text().isBlank()) {
            problem.accept(where.apply(v), path + "." + field + ": expected a non-empty string, got "
                    + (v instanceof YamlNode.Scalar ? "nothing" : v.typeName()));
            return null;
        }
        return s.text();
    }

    private static Map<String, String> headers(YamlNode.MapNode node, String path, Function<YamlNode, String> where,
            BiConsumer<String, String> problem) {
        Map<String, String> out = new LinkedHashMap<>();
        YamlNode v = node.entries().get("headers");
        if (v == null) {
            return out;
        }
        if (!(v instanceof YamlNode.MapNode map)) {
            problem.accept(where.apply(v), path + ".headers: expected a mapping of header names to values, got "
                    + v.typeName());
            return out;
        }
        map.entries().forEach((h, value) -> {
            if (!h.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                problem.accept(where.apply(value), path + ".headers: '" + h + "' is not a valid HTTP header name");
            } else if (h.equalsIgnoreCase("Authorization")) {
                problem.accept(where.apply(value), path + ".headers.Authorization: do not write credentials in the "
                        + "configuration; use bearer_token_env or bearer_token_file");
            } else if (!(value instanceof YamlNode.Scalar s) || s.isNull()) {
                problem.accept(where.apply(value), path + ".headers." + h + ": expected a string");
            } else {
                out.put(h, s.text());
            }
        });
        return out;
    }

    private static Optional<SecretRef> secret(YamlNode.MapNode node, String what, String path, Path baseDir,
            Function<YamlNode, String> where, BiConsumer<String, String> problem) {
        String env = text(node, what + "_env", path, where, problem, false);
        String file = text(node, what + "_file", path, where, problem, false);
        if (env != null && file != null) {
            problem.accept(where.apply(node.entries().get(what + "_file")), path + ": set " + what + "_env or "
                    + what + "_file, not both");
            return Optional.empty();
        }
        if (env != null) {
            return Optional.of(SecretRef.env(env));
        }
        if (file != null) {
            Path p = Path.of(file);
            return Optional.of(SecretRef.file(baseDir != null && !p.isAbsolute()
                    ? baseDir.resolve(p).normalize().toString() : file));
        }
        return Optional.empty();
    }
}
