#!/usr/bin/env bash
# Runs inc001.jsh in JShell against a simulated cluster (fabric8's mock API server + the simulated
# controllers of runbook-k8s-test) in a separate JVM, seeded like INC-001.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MOD=$(dirname "$HERE")
ROOT=$(dirname "$MOD")
(cd "$ROOT" && ./mvnw -B -q -pl runbook-k8s -am test-compile dependency:build-classpath \
   -Dmdep.outputFile="$MOD/target/bench-cp.txt" -Dmdep.includeScope=test -Dspotless.check.skip=true)
CP="$MOD/target/classes:$ROOT/runbook-core/target/classes:$ROOT/runbook-k8s-test/target/classes"
CP="$CP:$(cat "$MOD/target/bench-cp.txt"):$MOD/target/test-classes"
DIR=$(mktemp -d /tmp/runbook-k8s-inc001-XXXX)
java -cp "$CP" dev.runbook.k8s.test.SimulatedClusterMain "$DIR/kubeconfig" smp-asia \
  smp-prod/deployment/dispatch-engine=3 smp-prod/configmap/dispatch-flags:ENABLE_AUTO_DISPATCH=true \
  > "$DIR/simulator.log" 2>&1 &
SIM=$!
stop() { kill "$SIM" 2>/dev/null; wait "$SIM" 2>/dev/null || true; rm -rf "$DIR"; }
trap stop EXIT
for _ in $(seq 1 300); do [ -f "$DIR/kubeconfig" ] && break; kill -0 "$SIM" 2>/dev/null || { cat "$DIR/simulator.log"; exit 1; }; sleep 0.1; done
jshell --feedback concise --class-path "$CP" -R-Dkubeconfig="$DIR/kubeconfig" < "$HERE/inc001.jsh"
