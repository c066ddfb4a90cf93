package dev.runbook.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.RunbookException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The corner cases of the Prometheus text exposition format (0.0.4) that {@link HttpMetric} reads. */
class PrometheusTextTest {

    @Test
    void commentsHelpTypeAndBlankLines_areSkipped() {
        List<PrometheusText.Sample> s = PrometheusText.parse(
                """
                # HELP region_replication_lag_seconds Seconds the target region is behind.\\n Escaped "help".
                # TYPE region_replication_lag_seconds gauge

                   # an indented comment
                region_replication_lag_seconds 12.5
                # EOF
                """);

        assertThat(s).singleElement().satisfies(x -> {
            assertThat(x.name()).isEqualTo("region_replication_lag_seconds");
            assertThat(x.labels()).isEmpty();
            assertThat(x.value()).isEqualTo(12.5);
            assertThat(x.timestampMillis()).isNull();
        });
    }

    @Test
    void labels_withEscapedQuotesBackslashesAndNewlines_andATrailingComma() {
        PrometheusText.Sample s = PrometheusText.parse(
                        "lag{region=\"cn-to-global\",path=\"C:\\\\mm\\\\\\\"x\\\"\",note=\"a\\nb\",} 3\n")
                .get(0);

        assertThat(s.labels())
                .containsExactly(
                        Map.entry("region", "cn-to-global"),
                        Map.entry("path", "C:\\mm\\\"x\""),
                        Map.entry("note", "a\nb"));
        assertThat(s.series()).isEqualTo("lag{region=\"cn-to-global\",path=\"C:\\\\mm\\\\\\\"x\\\"\",note=\"a\\nb\"}");
    }

    @Test
    void labelValues_mayHoldBracesCommasEqualsAndSpaces() {
        PrometheusText.Sample s =
                PrometheusText.parse("x{a=\"}{,= \" , b = \"#\" } 1").get(0);

        assertThat(s.labels()).containsExactly(Map.entry("a", "}{,= "), Map.entry("b", "#"));
        assertThat(s.value()).isEqualTo(1);
    }

    @Test
    void specialValues_nanAndInfinities_andScientificNotation() {
        List<PrometheusText.Sample> s =
                PrometheusText.parse("a NaN\nb +Inf\nc -Inf\nd Inf\ne 1.5e3\nf -0.25\ng .5\nh 7E-2\ni 42\n");

        assertThat(s.get(0).value()).isNaN();
        assertThat(s.get(1).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(s.get(3).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.stream().skip(4).map(PrometheusText.Sample::value))
                .containsExactly(1500.0, -0.25, 0.5, 0.07, 42.0);
    }

    @Test
    void timestamps_tabsCrlfAndExemplars() {
        List<PrometheusText.Sample> s = PrometheusText.parse("lag{r=\"x\"}\t4\t1733551200000\r\n"
                + "lag{r=\"y\"} 5 -1000\n"
                + "lag_total{r=\"z\"} 6 # {trace_id=\"abc\"} 1 1733551200.000\n"
                + "up{} 1\n"
                + "ns:colon_name 2\n");

        assertThat(s)
                .extracting(PrometheusText.Sample::timestampMillis)
                .containsExactly(1733551200000L, -1000L, null, null, null);
        assertThat(s).extracting(PrometheusText.Sample::value).containsExactly(4.0, 5.0, 6.0, 1.0, 2.0);
        assertThat(s.get(4).name()).isEqualTo("ns:colon_name");
    }

    @Test
    void histogramAndSummarySeries_keepTheirOwnNames() {
        List<PrometheusText.Sample> s = PrometheusText.parse(
                """
                # TYPE lag_hist histogram
                lag_hist_bucket{le="0.5"} 3
                lag_hist_bucket{le="+Inf"} 9
                lag_hist_sum 40.2
                lag_hist_count 9
                """);

        assertThat(s)
                .extracting(PrometheusText.Sample::name)
                .containsExactly("lag_hist_bucket", "lag_hist_bucket", "lag_hist_sum", "lag_hist_count");
        assertThat(s.get(1).labels()).containsEntry("le", "+Inf");
    }

    @Test
    void malformedLines_areErrorsNamingTheLine_neverSkipped() {
        assertRefused("ok 1\nlag{region=\"cn\" 3\n", "line 2", "expected ',' or '}' after label region");
        assertRefused("lag{region=\"cn} 3\n", "line 1", "not closed");
        assertRefused("lag{region=\"c\\tn\"} 3", "line 1", "unknown escape '\\t'");
        assertRefused("lag 12s", "line 1", "'12s' is not a value");
        assertRefused("lag 1f", "line 1", "'1f' is not a value");
        assertRefused("lag 0x10", "line 1", "'0x10' is not a value");
        assertRefused("lag Infinity", "line 1", "'Infinity' is not a value");
        assertRefused("lag 1 12.5", "line 1", "'12.5' is not a timestamp");
        assertRefused("lag 1 2 3", "line 1", "unexpected '3' after the value");
        assertRefused("lag", "line 1", "expected a value");
        assertRefused("9lag 1", "line 1", "expected a metric name");
        assertRefused("lag{9a=\"x\"} 1", "line 1", "expected a label name");
        assertRefused("lag{a=\"x\",a=\"y\"} 1", "line 1", "label 'a' appears twice");
        assertRefused("lag{a=x} 1", "line 1", "expected '\"'");
        assertRefused("lag 1 99999999999999999999", "line 1", "out of range");
    }

    private static void assertRefused(String body, String line, String why) {
        assertThatThrownBy(() -> PrometheusText.parse(body))
                .isInstanceOf(RunbookException.class)
                .hasMessageContaining(line + " is not in the Prometheus text format")
                .hasMessageContaining(why);
    }
}
