package dev.anneal.watcher.app.cli;

import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the daemon's HTTP API is and how to authenticate there: the options of {@code watcher runs}
 * and {@code watcher runs show}. The bearer token comes from {@code --token-file} or, without it,
 * from the environment variable {@value #TOKEN_ENV}; never from the command line, where other
 * users of the machine could read it.
 */
final class ApiOptions {

    /** The environment variable holding the API's bearer token. */
    static final String TOKEN_ENV = "WATCHER_API_TOKEN";

    @Option(names = "--api", paramLabel = "URL", defaultValue = "http://127.0.0.1:9400",
            description = "The daemon's HTTP API (default: ${DEFAULT-VALUE}, 'watcher run''s http.address).")
    URI api;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the API's bearer token "
            + "(default: the " + TOKEN_ENV + " environment variable, if set).")
    Path tokenFile;

    @Option(names = "--json", description = "Print the API's JSON as it answered.")
    boolean json;
}
