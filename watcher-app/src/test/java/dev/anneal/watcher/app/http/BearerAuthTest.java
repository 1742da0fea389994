package dev.anneal.watcher.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.http.BearerAuth.Allowed;
import dev.anneal.watcher.app.http.BearerAuth.Refused;
import dev.anneal.watcher.core.notify.SecretRef;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Who may call what, one row per case. */
class BearerAuthTest {

    private static final String TOKEN = "s3cr3t-token";

    private static BearerAuth auth(boolean token, boolean protectMetrics) {
        return BearerAuth.of(token ? Optional.of(SecretRef.env("T").resolve(Map.of("T", TOKEN))) : Optional.empty(),
                protectMetrics);
    }

    @ParameterizedTest(name = "token {0}, metrics protected {1}: {2} with ''{3}'' -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // token | protect metrics | access | Authorization          | outcome
        "false   | false           | PROBE   | -                     | allowed",
        "false   | false           | METRICS | -                     | allowed",
        "false   | false           | READ    | -                     | allowed",
        "false   | false           | WRITE   | -                     | 403",
        "false   | false           | WRITE   | Bearer s3cr3t-token   | 403",
        "true    | false           | PROBE   | -                     | allowed",
        "true    | false           | METRICS | -                     | allowed",
        "true    | true            | METRICS | -                     | 401",
        "true    | true            | METRICS | Bearer s3cr3t-token   | allowed",
        "true    | false           | READ    | -                     | 401",
        "true    | false           | READ    | Basic czNjcjN0LXRva2Vu | 401",
        "true    | false           | READ    | Bearer                | 401",
        "true    | false           | READ    | Bearer wrong          | 403",
        "true    | false           | READ    | Bearer s3cr3t-token-  | 403",
        "true    | false           | READ    | Bearer s3cr3t-token   | allowed",
        "true    | false           | READ    | bearer  s3cr3t-token  | allowed",
        "true    | false           | WRITE   | -                     | 401",
        "true    | false           | WRITE   | Bearer wrong          | 403",
        "true    | false           | WRITE   | Bearer s3cr3t-token   | allowed",
    })
    void decides(boolean token, boolean protectMetrics, Access access, String authorization, String outcome) {
        BearerAuth.Decision d = auth(token, protectMetrics).decide(access, authorization);
        if (outcome.equals("allowed")) {
            assertThat(d).isInstanceOf(Allowed.class);
            return;
        }
        assertThat(d).isInstanceOf(Refused.class);
        Reply reply = ((Refused) d).reply();
        assertThat(reply.status()).isEqualTo(Integer.parseInt(outcome));
        assertThat(reply.bodyText()).doesNotContain(TOKEN);
        assertThat(reply.headers().get("WWW-Authenticate")).isEqualTo(outcome.equals("401") ? BearerAuth.CHALLENGE
                : null);
    }

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void neverShowsTheToken(boolean token) {
        assertThat(auth(token, false).toString()).doesNotContain(TOKEN);
    }
}
