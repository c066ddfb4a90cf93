#!/usr/bin/env bash
# Benchmark of RestartDeployment's wait and of core's Fleet over simulated clusters, each beside its
# reference in the same run. Not a test. Usage (from the repository root):
#   runbook-k8s/bench/run.sh                       # 20 latency rounds, 30 contexts
#   ROUNDS=10 CONTEXTS=30 POD_START_MS=100 runbook-k8s/bench/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MOD=$(dirname "$HERE")
ROOT=$(dirname "$MOD")
echo "== building"
(cd "$ROOT" && ./mvnw -B -q -pl runbook-k8s -am test-compile dependency:build-classpath \
   -Dmdep.outputFile="$MOD/target/bench-cp.txt" -Dmdep.includeScope=test -Dspotless.check.skip=true)
CP="$MOD/target/test-classes:$MOD/target/classes:$ROOT/runbook-core/target/classes:$ROOT/runbook-test/target/classes"
CP="$CP:$ROOT/runbook-k8s-test/target/classes:$(cat "$MOD/target/bench-cp.txt")"
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx2g -cp "$CP" -Dbench.rounds="${ROUNDS:-20}" -Dbench.contexts="${CONTEXTS:-30}" \
  -Dbench.podStartMillis="${POD_START_MS:-100}" dev.runbook.k8s.bench.K8sBench
