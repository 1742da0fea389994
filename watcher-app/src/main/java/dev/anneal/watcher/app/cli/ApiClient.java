package dev.anneal.watcher.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the daemon's HTTP API for {@code watcher runs}: one GET, the bearer token attached, the
 * answer's status turned into an exit code a script can branch on.
 *
 * <ul>
 *   <li>no answer: {@link ExitCodes#UNAVAILABLE} (69);</li>
 *   <li>401 / 403: {@link ExitCodes#CONFIG} (78): the token is missing or wrong, a configuration matter;</li>
 *   <li>404: {@link ExitCodes#NO_INPUT} (66): no such run on that instance;</li>
 *   <li>400: {@link ExitCodes#USAGE} (64): the API refused an option's value;</li>
 *   <li>503: {@link ExitCodes#TEMPFAIL} (75): the daemon is starting or rebalancing, try again;</li>
 *   <li>anything else: {@link ExitCodes#IO_ERROR} (74).</li>
 * </ul>
 */
final class ApiClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final Optional<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private ApiClient(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
    }

    /** A client for the options' API, with the token from the file or from {@code env}. */
    static ApiClient of(ApiOptions options, Map<String, String> env) throws CommandFailure {
        Optional<String> token;
        if (options.tokenFile != null) {
            try {
                token = Optional.of(Files.readString(options.tokenFile, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new CommandFailure(ExitCodes.CONFIG, "cannot read the token file: "
                        + ErrorHandler.describe(e));
            }
        } else {
            token = Optional.ofNullable(env.get(ApiOptions.TOKEN_ENV)).map(String::strip).filter(t -> !t.isEmpty());
        }
        String s = options.api.toString();
        return new ApiClient(URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s), token);
    }

    /** The JSON answer of {@code GET <api><path>}; the path is already encoded. */
    JsonNode get(String path) throws CommandFailure, InterruptedException {
        URI uri = URI.create(base + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET()
                .header("Accept", "application/json");
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CommandFailure(ExitCodes.UNAVAILABLE, "no watcher API answered at " + base + "; is 'watcher "
                    + "run' up? Pass --api to point elsewhere");
        } catch (HttpTimeoutException e) {
            throw new CommandFailure(ExitCodes.TEMPFAIL, uri + " did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.IO_ERROR, "GET " + uri + ": " + ErrorHandler.describe(e));
        }
        int status = response.statusCode();
        if (status == 200) {
            try {
                return MAPPER.readTree(response.body());
            } catch (IOException e) {
                throw new CommandFailure(ExitCodes.IO_ERROR, uri + " answered something that is not JSON: "
                        + e.getMessage());
            }
        }
        String why = error(response.body());
        throw switch (status) {
            case 401, 403 -> new CommandFailure(ExitCodes.CONFIG, uri + " answered " + status + " (" + why + "); "
                    + (token.isEmpty() ? "give the API token with --token-file or " + ApiOptions.TOKEN_ENV
                    : "the token given is not the daemon's (http.auth.token_env / token_file)"));
            case 404 -> new CommandFailure(ExitCodes.NO_INPUT, why);
            case 400 -> new CommandFailure(ExitCodes.USAGE, why);
            case 503 -> new CommandFailure(ExitCodes.TEMPFAIL, why + " (" + uri + " answered 503; try again)");
            default -> new CommandFailure(ExitCodes.IO_ERROR, uri + " answered " + status + ": " + why);
        };
    }

    private static String error(String body) {
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n != null && n.hasNonNull("error")) {
                return n.get("error").asText();
            }
        } catch (IOException e) {
            // not JSON: show the text
        }
        String text = body.strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** {@code s} percent-encoded as one path segment (every byte but the unreserved characters). */
    static String segment(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        return b.toString();
    }
}
