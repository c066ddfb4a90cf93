#!/usr/bin/env bash
# ReplayDlq (exactly once) vs a kcat pipe vs the producer ceiling (and a bare Java consume-send pipe),
# same in-process broker, same run.
# Needs kcat: apt-get install -y kafkacat
# Usage: runbook-kafka/bench/replay-bench.sh [-Dflag ...] [records=1000000] [partitions=4]
#   -Dbench.rounds=N        rounds of (ceiling, kcat, replay) taken in turns, 5 by default; round 1 is a
#                           fresh JVM's, the summary is the median of the later rounds' ratios
#   -Dbench.warmup=W        also summarise the rounds after W (the JIT s column shows when the JIT, which
#                           compiles the in-process broker too, has about finished; 6 on the project machine)
#   -Dbench.replayOnly      skip the ceiling, kcat and bare pipe phases (while iterating on the replay)
#   -Dbench.barePipe        with -Dbench.replayOnly: keep the bare Java pipe phase
#   -Dbench.barePipeLanes=N also the bare pipe in N threads, each with its share of the partitions
#   -Dbench.oneLaneB        even rounds replay in one lane (A/B of the replay's two lanes against one)
#   -Dbench.jfr=FILE        record JFR profiles of the applies into roundN-FILE
#   -Dbench.asyncProfiler=/path/libasyncProfiler.so -Dbench.profile=PREFIX
#                           CPU profiles of plan, apply and bare pipe (collapsed stacks) into
#                           PREFIX-roundN-plan/apply/bare.collapsed;
#                           needs ASYNC_PROFILER_JAR=/path/async-profiler.jar (Maven Central: tools.profiler)
# Arguments starting with -D or -X go to the JVM, the others to the benchmark.
set -euo pipefail
command -v kcat >/dev/null || { echo "kcat is missing: apt-get install -y kafkacat" >&2; exit 2; }
source "$(dirname "${BASH_SOURCE[0]}")/classpath.sh"
JVM=(-Xmx3g)
ARGS=()
for a in "$@"; do
  case "$a" in
    -D* | -X*) JVM+=("$a") ;;
    *) ARGS+=("$a") ;;
  esac
done
exec java "${JVM[@]}" -cp "$BENCH_CP${ASYNC_PROFILER_JAR:+:$ASYNC_PROFILER_JAR}" dev.runbook.kafka.ReplayBenchmark "${ARGS[@]}"
