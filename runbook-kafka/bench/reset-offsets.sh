#!/usr/bin/env bash
# ResetOffsets on a group with 1,000 partitions vs the real kafka-consumer-groups tool (in-process and as
# its own JVM), same in-process KRaft broker, same run. Not part of `mvn verify`.
#   runbook-kafka/bench/reset-offsets.sh [-Dbench.partitions=1000 -Dbench.records=100 -Dbench.rounds=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -pl runbook-kafka -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
CP="runbook-kafka/target/test-classes:runbook-kafka/target/classes:$(cat runbook-kafka/target/bench.cp)"
exec java -Xmx1g "$@" -cp "$CP" dev.runbook.kafka.ResetOffsetsBench
