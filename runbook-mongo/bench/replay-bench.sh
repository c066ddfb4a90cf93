#!/usr/bin/env bash
# DLQ replay of N events into an HTTP admin endpoint on localhost: the seed's naive loop (find all, POST
# each, updateMany at the end) beside ReplayDlq on the same mongo-java-server, then each killed at random
# points in a child JVM and rerun, with lost and duplicated-without-idempotency-key counts.
# Usage: runbook-mongo/bench/replay-bench.sh [sizes=1000,2000,5000,10000] [trials=10] [crashSize=2000]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/classpath.sh"
exec java -Xmx2g -Dsun.net.httpserver.nodelay=true -cp "$BENCH_CP" dev.runbook.mongo.ReplayBenchmark "$@"
