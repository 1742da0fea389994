package dev.anneal.watcher.app.config;

import dev.anneal.watcher.core.notify.ReceiverSpec;
import dev.anneal.watcher.core.notify.SecretRef;
import dev.anneal.watcher.rules.spec.Loc;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
 *   include_synthetic: false     # optional: true also sends drills' alerts (from the quarantine topic too)
 * </pre>
 *
 * Secrets are never written in the configuration, only where to read them.
 */
final class ReceiverType implements ObjectType<ReceiverSpec> {

    static final ReceiverType INSTANCE = new ReceiverType();

    static final List<String> FIELDS = List.of("name", "type", "url", "headers", "bearer_token_env",
            "bearer_token_file", "hmac_secret_env", "hmac_secret_file", "include_synthetic");

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
    public ReceiverSpec parse(YamlNode.MapNode node, String path, Path baseDir, YamlReader yaml) {
        int before = yaml.problems().count();
        yaml.unknownKeys(node, FIELDS, path);
        String name = text(node, "name", path, yaml, true);
        if (name != null && !ReceiverSpec.NAME.matcher(name).matches()) {
            yaml.problem(node.entries().get("name").loc(), path + ".name: '" + name + "' may only contain "
                    + "letters, digits, '.', '_' and '-' (it names the receiver's consumer group and metrics)");
        }
        String typeText = text(node, "type", path, yaml, true);
        String urlText = text(node, "url", path, yaml, true);
        ReceiverSpec.Type type = null;
        if (typeText != null) {
            try {
                type = ReceiverSpec.Type.valueOf(typeText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                yaml.problem(node.entries().get("type").loc(), path + ".type: expected alertmanager or webhook, got '"
                        + typeText + "'");
            }
        }
        URI url = null;
        if (urlText != null) {
            Loc urlLoc = node.entries().get("url").loc();
            try {
                url = new URI(urlText);
                if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                    yaml.problem(urlLoc, path + ".url: expected an http:// or https:// URL such as "
                            + "http://127.0.0.1:9093, got '" + urlText + "'");
                    url = null;
                }
            } catch (URISyntaxException e) {
                yaml.problem(urlLoc, path + ".url: not a valid URL: " + e.getMessage());
            }
        }
        Map<String, String> headers = headers(node, path, yaml);
        Optional<SecretRef> token = secret(node, "bearer_token", path, baseDir, yaml);
        Optional<SecretRef> hmac = secret(node, "hmac_secret", path, baseDir, yaml);
        if (type == ReceiverSpec.Type.ALERTMANAGER && hmac.isPresent()) {
            YamlNode at = node.entries().getOrDefault("hmac_secret_env", node.entries().get("hmac_secret_file"));
            yaml.problem(at.loc(), path + ": hmac_secret_* is for webhook receivers; Alertmanager does not check body "
                    + "signatures (use bearer_token_* or headers)");
        }
        Boolean includeSynthetic = yaml.bool(node.entries().get("include_synthetic"), path + ".include_synthetic");
        if (yaml.problems().count() > before || name == null || type == null || url == null) {
            return null;
        }
        return new ReceiverSpec(name, type, url, headers, token, hmac, Boolean.TRUE.equals(includeSynthetic));
    }

    private static String text(YamlNode.MapNode node, String field, String path, YamlReader yaml, boolean required) {
        YamlNode v = required
                ? yaml.required(node, field, path + ": missing '" + field + "'; a receiver needs name, type and url")
                : node.entries().get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof YamlNode.Scalar s) || s.isNull() || s.text().isBlank()) {
            yaml.problem(v.loc(), path + "." + field + ": expected a non-empty string, got "
                    + (v instanceof YamlNode.Scalar ? "nothing" : v.typeName()));
            return null;
        }
        return s.text();
    }

    private static Map<String, String> headers(YamlNode.MapNode node, String path, YamlReader yaml) {
        Map<String, String> out = new LinkedHashMap<>();
        YamlNode.MapNode map = yaml.mapping(node.entries().get("headers"), path + ".headers",
                "a mapping of header names to values");
        if (map == null) {
            return out;
        }
        map.entries().forEach((h, value) -> {
            if (!h.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                yaml.problem(value.loc(), path + ".headers: '" + h + "' is not a valid HTTP header name");
            } else if (h.equalsIgnoreCase("Authorization")) {
                yaml.problem(value.loc(), path + ".headers.Authorization: do not write credentials in the "
                        + "configuration; use bearer_token_env or bearer_token_file");
            } else if (!(value instanceof YamlNode.Scalar s) || s.isNull()) {
                yaml.problem(value.loc(), path + ".headers." + h + ": expected a string");
            } else {
                out.put(h, s.text());
            }
        });
        return out;
    }

    private static Optional<SecretRef> secret(YamlNode.MapNode node, String what, String path, Path baseDir,
            YamlReader yaml) {
        String env = text(node, what + "_env", path, yaml, false);
        String file = text(node, what + "_file", path, yaml, false);
        if (env != null && file != null) {
            yaml.problem(node.entries().get(what + "_file").loc(), path + ": set " + what + "_env or " + what
                    + "_file, not both");
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
