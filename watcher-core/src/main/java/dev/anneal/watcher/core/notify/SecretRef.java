package dev.anneal.watcher.core.notify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a secret (a bearer token, an HMAC key) is read from: an environment variable or a file.
 * Configuration names the place, never the secret itself, so config files, {@code config check}
 * output and logs never hold one. The value is read once, when the notifier starts.
 *
 * @param source the kind of place
 * @param name   the variable name, or the file path
 */
public record SecretRef(Source source, String name) {

    /** Where the secret lives. */
    public enum Source {
        /** An environment variable. */
        ENV,
        /** A file; one trailing line end is stripped (as {@code echo secret > file} writes one). */
        FILE
    }

    public SecretRef {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a secret's " + (source == Source.ENV ? "variable" : "file")
                    + " name must not be empty");
        }
    }

    /** A secret in the environment variable {@code var}. */
    public static SecretRef env(String var) {
        return new SecretRef(Source.ENV, var);
    }

    /** A secret in the file {@code path}. */
    public static SecretRef file(String path) {
        return new SecretRef(Source.FILE, path);
    }

    /**
     * Reads the secret.
     *
     * @param env the environment ({@code System.getenv()} in production)
     * @throws IllegalArgumentException when the variable is unset or empty, or the file is missing,
     *                                  unreadable or empty (the message names the place, never a value)
     */
    public Secret resolve(Map<String, String> env) {
        String value;
        if (source == Source.ENV) {
            value = env.get(name);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("environment variable " + name + " is "
                        + (value == null ? "not set" : "empty"));
            }
        } else {
            try {
                value = Files.readString(Path.of(name), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("secret file " + name + " does not exist", e);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read secret file " + name + ": " + e, e);
            }
            if (value.endsWith("\r\n")) {
                value = value.substring(0, value.length() - 2);
            } else if (value.endsWith("\n")) {
                value = value.substring(0, value.length() - 1);
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("secret file " + name + " is empty");
            }
        }
        return new Secret(value, this);
    }

    @Override
    public String toString() {
        return (source == Source.ENV ? "env:" : "file:") + name;
    }

    /**
     * A secret's value. {@link #toString()} never shows it, so a secret that ends up in a log line
     * or an exception message by mistake shows as {@code ***}.
     */
    public static final class Secret {
        private final String value;
        private final SecretRef from;

        Secret(String value, SecretRef from) {
            this.value = value;
            this.from = from;
        }

        /** The value itself: only for the header or signature that needs it. */
        public String reveal() {
            return value;
        }

        @Override
        public String toString() {
            return "*** (from " + from + ")";
        }
    }
}
