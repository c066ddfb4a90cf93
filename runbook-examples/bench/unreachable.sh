#!/usr/bin/env bash
# Seconds from engine.plan(runbook) to the refusal when Kafka or Redis does not answer (connection
# refused; a listener that never answers), for a 3-step runbook on each. Not part of `mvn verify`.
#   runbook-examples/bench/unreachable.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -o -pl runbook-examples -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >&2
CP="runbook-examples/target/test-classes:runbook-examples/target/classes:$(cat runbook-examples/target/bench.cp)"
exec java -cp "$CP" -Dlogback.configurationFile=runbook-examples/bench/quiet-logback.xml dev.runbook.examples.UnreachableTargetsBench
