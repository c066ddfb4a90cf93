#!/usr/bin/env bash
# Write-unavailable window and acknowledged writes lost: planned PromoteReplica against the naive hand
# sequence, on fresh PostgreSQL 15 and MariaDB 10.11 pairs (started like the tests), same run. Not a test.
# Usage (from the repository root):
#   runbook-sql/bench/promote.sh               # 10 trials of each method on each engine
#   TRIALS=20 ENGINES=mariadb runbook-sql/bench/promote.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MOD=$(dirname "$HERE")
ROOT=$(dirname "$MOD")
(cd "$ROOT" && ./mvnw -B -q -o -pl runbook-sql -am test-compile dependency:build-classpath \
   -Dmdep.outputFile="$MOD/target/bench-cp.txt" -Dmdep.includeScope=test)
CP="$MOD/target/test-classes:$MOD/target/classes:$ROOT/runbook-core/target/classes:$ROOT/runbook-test/target/classes"
CP="$CP:$(cat "$MOD/target/bench-cp.txt")"
echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
java -cp "$CP" -Dtrials="${TRIALS:-10}" -Dengines="${ENGINES:-postgresql,mariadb}" \
  -Dlogback.configurationFile="$MOD/src/test/resources/logback-test.xml" dev.runbook.sql.bench.PromoteBench
