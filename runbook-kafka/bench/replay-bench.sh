#!/usr/bin/env bash
# ReplayDlq (exactly once) vs a kcat pipe vs the producer ceiling, same in-process broker, same run.
# Needs kcat: apt-get install -y kafkacat
# Usage: runbook-kafka/bench/replay-bench.sh [-Dflag ...] [records=1000000] [partitions=4]
#   -Dbench.replayOnly      skip the ceiling and kcat phases (while iterating on the replay)
#   -Dbench.jfr=FILE        record a JFR profile of the apply into FILE
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
exec java "${JVM[@]}" -cp "$BENCH_CP" dev.runbook.kafka.ReplayBenchmark "${ARGS[@]}"
