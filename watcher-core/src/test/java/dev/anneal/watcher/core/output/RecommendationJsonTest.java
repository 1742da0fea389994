package dev.anneal.watcher.core.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecommendationJsonTest {

    @Test
    void writesRecommendationWithEvidenceInFixedOrder() {
        assertThat(RecommendationJson.toJson(Fixtures.hold())).isEqualTo("{"
                + "\"run_id\":\"run-1\",\"action\":\"HOLD\",\"latched\":false,"
                + "\"reasons\":[\"kl_threshold: 0.026 vs 0.01\"],"
                + "\"evidence\":[{\"rule\":\"kl_threshold\",\"alert_id\":\"a1b2c3d4e5f60718\",\"action\":\"HOLD\","
                + "\"severity\":\"warning\",\"value\":0.026,\"threshold\":0.01,\"started_at\":\"a.jsonl:2\","
                + "\"source\":\"a.jsonl:2\",\"reasons\":[\"kl_threshold: 0.026 vs 0.01\"]}],"
                + "\"source\":\"a.jsonl:2\",\"event_time\":1,\"synthetic\":false,"
                + "\"rule_set\":\"sha256:00112233aabbccdd\"}");
    }

    @Test
    void passHasEmptyReasonsAndEvidence() {
        assertThat(RecommendationJson.toJson(Fixtures.pass(3))).isEqualTo("{"
                + "\"run_id\":\"run-1\",\"action\":\"PASS\",\"latched\":false,\"reasons\":[],\"evidence\":[],"
                + "\"source\":\"a.jsonl:3\",\"event_time\":2,\"synthetic\":false,"
                + "\"rule_set\":\"sha256:00112233aabbccdd\"}");
    }
}
