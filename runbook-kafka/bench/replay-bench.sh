#!/usr/bin/env bash
# ReplayDlq (exactly once) vs a kcat pipe vs the producer ceiling, same in-process broker, same run.
# Needs kcat: apt-get install -y kafkacat
# Usage: runbook-kafka/bench/replay-bench.sh [records=1000000] [partitions=4]
set -euo pipefail
command -v kcat >/dev/null || { echo "kcat is missing: apt-get install -y kafkacat" >&2; exit 2; }
source "$(dirname "${BASH_SOURCE[0]}")/classpath.sh"
exec java -Xmx3g -cp "$BENCH_CP" dev.runbook.kafka.ReplayBenchmark "$@"
