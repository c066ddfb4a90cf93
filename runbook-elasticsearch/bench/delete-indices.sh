#!/usr/bin/env bash
# DeleteIndices of N indices (default 2000) beside the seed's `curl -X DELETE ".../orders-2025-*"`,
# on one throwaway Elasticsearch node, in the same run. Not a test. Usage: N=2000 bench/delete-indices.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MOD=$(dirname "$HERE")
ROOT=$(dirname "$MOD")
(cd "$ROOT" && ./mvnw -B -q -pl runbook-elasticsearch -am test-compile dependency:build-classpath \
   -Dmdep.outputFile="$MOD/target/bench-cp.txt" -Dmdep.includeScope=test \
 && ./mvnw -B -q -pl runbook-elasticsearch dependency:unpack@unpack-elasticsearch -DskipITs=false)
HOME_ES="$MOD/target/elasticsearch/elasticsearch-8.19.21"
# a copy of the classes, so that rebuilding the module while the benchmark runs cannot change them under it
RUN="$MOD/target/bench-run"; rm -rf "$RUN"; mkdir -p "$RUN"
cp -r "$MOD/target/classes" "$RUN/classes"; cp -r "$MOD/target/test-classes" "$RUN/test-classes"
cp -r "$ROOT/runbook-core/target/classes" "$RUN/core-classes"
CP="$RUN/classes:$RUN/test-classes:$RUN/core-classes:$(cat "$MOD/target/bench-cp.txt")"
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
java -Xmx512m -cp "$CP" -Drunbook.elasticsearch.home="$HOME_ES" -Dn="${N:-2000}" \
  dev.runbook.elasticsearch.bench.DeleteIndicesBench
