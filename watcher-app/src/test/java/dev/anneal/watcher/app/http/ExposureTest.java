package dev.anneal.watcher.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When start-up warns that the server is reachable beyond loopback without TLS or a token. */
class ExposureTest {

    @ParameterizedTest(name = "{0}, tls {1}, token {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        // address   | tls   | token | warns, naming
        "127.0.0.1   | false | false | -",
        "127.0.0.2   | false | false | -",
        "::1         | false | false | -",
        "0.0.0.0     | false | false | http.tls.keystore with http.tls.keystore_password_env or http.tls.keystore_password_file and http.auth.token_env or http.auth.token_file",
        "::          | false | false | http.tls.keystore",
        "0.0.0.0     | true  | false | http.auth.token_env or http.auth.token_file",
        "0.0.0.0     | false | true  | http.tls.keystore with",
        "0.0.0.0     | true  | true  | -",
        "10.1.2.3    | false | true  | without TLS",
        "192.168.1.5 | true  | false | without an API token",
    })
    void warnsBeyondLoopbackWithoutTlsOrToken(String address, boolean tls, boolean token, String naming)
            throws Exception {
        Optional<String> w = Exposure.warning(InetAddress.getByName(address), address + ":9400", tls, token);
        if (naming.equals("-")) {
            assertThat(w).isEmpty();
        } else {
            assertThat(w).get().asString().startsWith("HTTP is served on " + address + ":9400, beyond loopback")
                    .contains(naming).contains("or bind http.address to 127.0.0.1");
        }
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0", "::"})
    void aWildcardIsCalledEveryInterface(String address) throws Exception {
        assertThat(Exposure.warning(InetAddress.getByName(address), "x", false, false)).get().asString()
                .contains("(every interface)");
    }
}
