#!/usr/bin/env bash
# Compiles runbook-kafka (and what it needs) and prints a class path with its test classes, for the
# benchmark mains. Sourced by the other scripts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
./mvnw -B -q -pl runbook-kafka -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >&2
BENCH_CP="$ROOT/runbook-kafka/target/test-classes:$ROOT/runbook-kafka/target/classes:$ROOT/runbook-core/target/classes:$(cat runbook-kafka/target/bench.cp)"
