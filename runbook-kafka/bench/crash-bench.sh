#!/usr/bin/env bash
# Kills a replaying child JVM at random points, reruns, prints lost and duplicated counts per trial.
# Usage: runbook-kafka/bench/crash-bench.sh [trials=20] [records=200000] [maxKillDelayMillis=2000]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/classpath.sh"
exec java -Xmx1g -cp "$BENCH_CP" dev.runbook.kafka.ReplayCrashBenchmark "$@"
