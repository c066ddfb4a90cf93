#!/usr/bin/env bash
# Compiles runbook-mongo (and what it needs) and prints a class path with its test classes, for the
# benchmark and the JShell session. Sourced by the other scripts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
./mvnw -B -q -o -pl runbook-mongo -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >&2
BENCH_CP="$ROOT/runbook-mongo/target/test-classes:$ROOT/runbook-mongo/target/classes:$ROOT/runbook-core/target/classes:$(cat runbook-mongo/target/bench.cp)"
