package dev.runbook.flink.test;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The test job as a program with a {@code main}, for the jar that {@link FlinkTestCluster#jobJar} packs
 * and RestartFromSavepoint uploads: the same pipeline as {@link FlinkTestCluster#submit} (a number
 * sequence through the slow map into a discarding sink, checkpoint every 300 ms), so that the operators
 * of a savepoint taken from a submitted job match. The parallelism is the run request's.
 */
public final class LakehouseJob {

    private LakehouseJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, new FlinkTestCluster.Slow());
        env.execute(args.length > 0 ? args[0] : "lakehouse-enrichment");
    }

    /** The pipeline: numbers, enrich (the map), lake; checkpoint every 300 ms. */
    public static void build(StreamExecutionEnvironment env, MapFunction<Long, Long> map) {
        env.enableCheckpointing(300);
        env.fromSequence(0, Long.MAX_VALUE)
                .name("numbers")
                .map(map)
                .name("enrich")
                .sinkTo(new DiscardingSink<>())
                .name("lake");
    }

    /** The restart strategy of the test jobs: every 200 ms, without limit. */
    static Configuration restartEvery200ms() {
        return Configuration.fromMap(java.util.Map.of(
                "restart-strategy.type", "fixed-delay",
                "restart-strategy.fixed-delay.attempts", "1000000",
                "restart-strategy.fixed-delay.delay", "200 ms"));
    }
}
