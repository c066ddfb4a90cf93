#!/usr/bin/env bash
# The two paths of RescaleJob side by side on a Flink MiniCluster (dev.runbook.flink.bench.RescaleBench):
# apply -> RUNNING at the new parallelism with a completed checkpoint, N rounds per path, median and max.
# Usage (from anywhere): runbook-flink/bench/rescale.sh [rounds, default 5]
# Needs runbook-core, runbook-test and runbook-flink-test installed (./mvnw -q install -DskipTests); MAVEN_REPO_LOCAL=/path picks
# another local repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${1:-5}"
REPO=()
if [[ -n "${MAVEN_REPO_LOCAL:-}" ]]; then REPO=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL"); fi
./mvnw -B -q "${REPO[@]}" -pl runbook-flink -Dspotless.check.skip=true test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="runbook-flink/target/test-classes:runbook-flink/target/classes:$(cat runbook-flink/target/bench.classpath)"
exec java --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
  -cp "$CP" dev.runbook.flink.bench.RescaleBench "$ROUNDS"
