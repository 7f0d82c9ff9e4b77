package dev.vggstream.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromQlTest {

    @Test
    void findsTheMetricInsideFunctionsAndAggregations() {
        assertThat(PromQl.metricNames(
                "histogram_quantile(0.95, sum by (le) (rate(vggstream_queue_wait_seconds_bucket[$__rate_interval])))"))
                .containsExactly("vggstream_queue_wait_seconds_bucket");
    }

    @Test
    void labelMatchersAndTheirValuesAreNotMetrics() {
        assertThat(PromQl.metricNames("max by (instance, client_id) (kafka_consumer_fetch_manager_records_lag_max"
                + "{client_id=~\".*-StreamThread-[0-9]+-consumer\"})"))
                .containsExactly("kafka_consumer_fetch_manager_records_lag_max");
        assertThat(PromQl.metricNames("sum(vggstream_health{check=\"ready\", x!='y'})"))
                .containsExactly("vggstream_health");
    }

    @Test
    void findsBothSidesOfABinaryOperation() {
        assertThat(PromQl.metricNames("sum(rate(a_sum[5m])) / sum(rate(a_count[5m])) > 1e3 and on (job) b offset 1h"))
                .containsExactly("a_count", "a_sum", "b");
    }

    @Test
    void groupingLabelsAreNotMetrics() {
        assertThat(PromQl.metricNames("count by (name, version, device) (vggstream_model_info)"))
                .containsExactly("vggstream_model_info");
    }
}
