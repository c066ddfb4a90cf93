#!/usr/bin/env bash
# Runs inc009.jsh in JShell: it starts a throwaway Elasticsearch node (ElasticsearchServer) seeded like INC-009.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MOD=$(dirname "$HERE")
ROOT=$(dirname "$MOD")
(cd "$ROOT" && ./mvnw -B -q -pl runbook-elasticsearch -am compile dependency:build-classpath \
   -Dmdep.outputFile="$MOD/target/jsh-cp.txt" -Dmdep.includeScope=runtime \
 && ./mvnw -B -q -pl runbook-elasticsearch dependency:unpack@unpack-elasticsearch -DskipITs=false)
CP="$MOD/target/classes:$ROOT/runbook-core/target/classes:$(cat "$MOD/target/jsh-cp.txt")"
jshell --feedback concise --class-path "$CP" \
  -R-Des.home="$MOD/target/elasticsearch/elasticsearch-8.19.21" < "$HERE/inc009.jsh"
